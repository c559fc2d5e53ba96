import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Queryable } from '@custodia/store';
import type { Db, PgLedger } from '@custodia/store';
import { ManifestSchema } from '../crypto/manifest.schema.js';
import type { PulledEvent } from './pull.client.js';

export const INTAKE_DELETION_ACTION = 'intake-ciphertext-deleted';

const PurgedDetail = z.object({
  batch: z.string(),
  importedAt: z.string().nullable().optional(),
  files: z.array(z.object({ uploadId: z.string(), size: z.number() })),
});

export interface DeletionSync {
  /** Ledger entries appended by this run. */
  recorded: number;
  /** Deletions the ledger already held. */
  known: number;
  /** Events of kind 'purged' whose detail could not be read (reported, not ledgered). */
  unreadable: { eventId: number; reason: string }[];
}

/**
 * Records in the vault's ledger every ciphertext deletion the intake reports (its retention
 * period ran out after the import): one entry per deleted file, naming the submission, the batch,
 * the upload and when the intake deleted it. Idempotent: the batch and upload ids (random,
 * unique across intakes) key each entry, and the check runs under the ledger's append lock.
 */
export async function ledgerIntakeDeletions(
  vault: { db: Db; ledger: PgLedger; blobs: { localPath(sha256: string): string | undefined } },
  events: PulledEvent[],
  actor: string,
): Promise<DeletionSync> {
  const out: DeletionSync = { recorded: 0, known: 0, unreadable: [] };
  const deletions: { key: string; details: Record<string, unknown> }[] = [];
  for (const ev of events) {
    if (ev.kind !== 'purged') continue;
    const d = PurgedDetail.safeParse(ev.detail);
    if (!d.success) {
      out.unreadable.push({ eventId: ev.id, reason: d.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      continue;
    }
    for (const f of d.data.files) {
      deletions.push({
        key: `${d.data.batch}/${f.uploadId}`,
        details: {
          key: `${d.data.batch}/${f.uploadId}`,
          submission: ev.submissionId,
          batch: d.data.batch,
          upload: f.uploadId,
          ciphertextBytes: f.size,
          importedAt: d.data.importedAt ?? null,
          deletedAt: ev.at,
          intakeEvent: ev.id,
        },
      });
    }
  }
  if (deletions.length === 0) return out;
  await vault.db.transaction(async (tx) => {
    // The append lock, taken first, makes check-then-append atomic against concurrent syncs.
    await tx.query('SELECT size FROM ledger_head WHERE id = 1 FOR UPDATE');
    const have = new Set<string>();
    const rows = await tx.query<{ entry: string }>('SELECT entry FROM ledger_entries WHERE action = $1', [INTAKE_DELETION_ACTION]);
    for (const r of rows.rows) {
      const key = (JSON.parse(r.entry) as { details?: { key?: unknown } }).details?.key;
      if (typeof key === 'string') have.add(key);
    }
    const imported = new Map<string, Awaited<ReturnType<typeof importedAs>>>();
    for (const del of deletions) {
      if (have.has(del.key)) {
        out.known += 1;
        continue;
      }
      const { submission, batch, upload } = del.details as { submission: string | null; batch: string; upload: string };
      const root = `intake:${submission}/${batch}`;
      if (!imported.has(root)) imported.set(root, await importedAs(tx, vault.blobs, root, batch));
      const known = imported.get(root)!;
      const details = { ...del.details, acquisitions: known.acquisitions, path: known.paths.get(upload) ?? null };
      await vault.ledger.append(tx, { actor, action: INTAKE_DELETION_ACTION, subjects: [], details });
      have.add(del.key);
      out.recorded += 1;
    }
  });
  return out;
}

/** The vault's acquisitions of a batch and, from the source's manifest recorded with it, each upload's path. */
async function importedAs(tx: Queryable, blobs: { localPath(sha256: string): string | undefined }, root: string, batch: string) {
  const acqs = await tx.query<{ id: number }>("SELECT id FROM acquisitions WHERE kind = 'intake-submission' AND roots @> $1::jsonb ORDER BY id", [JSON.stringify([root])]);
  const paths = new Map<string, string>();
  const acquisitions = acqs.rows.map((r) => Number(r.id));
  if (acquisitions.length > 0) {
    const rec = await tx.query<{ sha256: string }>(
      "SELECT sha256 FROM items WHERE acquisition_id = $1 AND parent_id IS NULL AND display_path LIKE '%' || $2 AND sha256 IS NOT NULL ORDER BY id LIMIT 1",
      [acquisitions[0], `/${batch}.manifest.json`],
    );
    const local = rec.rows[0] ? blobs.localPath(rec.rows[0].sha256) : undefined;
    const text = local ? await readFile(local, 'utf8').catch(() => 'null') : 'null';
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // an unreadable record only costs the path in the entry
    }
    const parsed = ManifestSchema.safeParse(json);
    if (parsed.success) for (const f of parsed.data.files) paths.set(f.uploadId, f.path);
  }
  return { acquisitions, paths };
}
