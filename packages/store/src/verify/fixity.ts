import type { Vault } from '../vault.js';
import { sha256File } from './hash-file.js';

export interface FixityFailure {
  sha256: string;
  problem: 'missing' | 'altered' | 'size-changed';
  detail: string;
  items: { id: number; path: string }[];
}

export interface FixityResult {
  ok: boolean;
  blobs: number;
  bytes: number;
  failures: FixityFailure[];
  /** Files in the blob folder that no record names (left by a run that died between write and record). */
  unrecorded: string[];
  ledgerSeq: number;
}

/**
 * Re-hashes every stored original and derivative and names every blob whose bytes no longer match
 * its address. The run and its outcome are recorded in the ledger, then checkpointed.
 */
export async function checkFixity(
  vault: Vault,
  opts: { actor: string; onProgress?: (bytes: number) => void; onBlob?: (sha256: string) => void },
): Promise<FixityResult> {
  const failures: FixityFailure[] = [];
  const recorded = new Set<string>();
  let blobs = 0;
  let bytes = 0;
  for await (const batch of vault.repo.allBlobs()) {
    for (const b of batch) {
      recorded.add(b.sha256);
      blobs += 1;
      opts.onBlob?.(b.sha256);
      const path = vault.blobs.localPath(b.sha256);
      let failure: Omit<FixityFailure, 'items'> | null = null;
      try {
        const h = await sha256File(path, opts.onProgress);
        bytes += h.size;
        if (h.sha256 !== b.sha256) {
          failure = { sha256: b.sha256, problem: 'altered', detail: `bytes now hash to ${h.sha256}` };
        } else if (h.size !== b.size) {
          failure = { sha256: b.sha256, problem: 'size-changed', detail: `size ${h.size}, recorded ${b.size}` };
        }
      } catch (e) {
        failure = { sha256: b.sha256, problem: 'missing', detail: `${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
      }
      if (failure) {
        const items = (await vault.repo.itemsWithBlob(b.sha256)).map((it) => ({ id: it.id, path: it.displayPath }));
        failures.push({ ...failure, items });
      }
    }
  }
  const unrecorded: string[] = [];
  for await (const sha of vault.blobs.list()) if (!recorded.has(sha)) unrecorded.push(sha);
  const seq = await vault.db.transaction(async (tx) =>
    (
      await vault.ledger.append(tx, {
        actor: opts.actor,
        action: 'fixity-checked',
        subjects: failures.map((f) => f.sha256),
        details: {
          blobs,
          bytes,
          failures: failures.map((f) => ({ sha256: f.sha256, problem: f.problem, detail: f.detail })),
          unrecorded: unrecorded.length,
        },
      })
    ).seq,
  );
  await vault.checkpoint();
  return { ok: failures.length === 0, blobs, bytes, failures, unrecorded, ledgerSeq: seq };
}

