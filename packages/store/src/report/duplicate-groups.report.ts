// The case's duplicate groups as the report shows them: per item (exact byte copies are separate
// items of one blob), with its kind and where it starts on the group reference's timeline.
import type { Item } from '@custodia/core';
import type { DuplicateEvidence, DuplicateKind } from '../repo/pg-duplicates.repo.js';
import type { Vault } from '../vault.js';

export interface DuplicateGroupMemberReport {
  itemId: number;
  path: string;
  kind: DuplicateKind;
  offsetSec: number;
  /** The group's reference (the longest video when the group was made): offsets are on its timeline. */
  reference?: true;
  similarity: number;
  /** What linked it: its pictures, or the burned-in clock and camera label (a quiet stretch; ADR 0025). */
  evidence: DuplicateEvidence;
}

export interface DuplicateGroupReport {
  id: number;
  /** This video's relation to the reference: `exact` (same bytes), `re-encoded` or `segment`. */
  kind: DuplicateKind;
  offsetSec: number;
  members: DuplicateGroupMemberReport[];
}

/** Item id → its group (items in no group are absent). */
export async function duplicateGroupsByItem(vault: Vault, caseId: number, items: readonly Item[]): Promise<Map<number, DuplicateGroupReport>> {
  const out = new Map<number, DuplicateGroupReport>();
  const bySha = new Map<string, Item[]>();
  for (const it of [...items].sort((a, b) => a.id - b.id)) if (it.sha256) bySha.set(it.sha256, [...(bySha.get(it.sha256) ?? []), it]);
  for (const g of await vault.duplicates.groupsOfCase(caseId)) {
    const members: DuplicateGroupMemberReport[] = [];
    for (const m of g.members) {
      const its = bySha.get(m.sha256) ?? [];
      its.forEach((it, i) => {
        const isRef = m.sha256 === g.referenceSha256 && i === 0;
        members.push({ itemId: it.id, path: it.displayPath, kind: m.kind, offsetSec: m.offsetSec, ...(isRef ? { reference: true as const } : {}), similarity: m.similarity, evidence: m.evidence });
      });
    }
    for (const m of members) out.set(m.itemId, { id: g.id, kind: m.kind, offsetSec: m.offsetSec, members });
  }
  return out;
}
