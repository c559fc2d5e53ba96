import { z } from 'zod';
import type { Db, PgLedger } from '@custodia/store';
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
export async function ledgerIntakeDeletions(vault: { db: Db; ledger: PgLedger }, events: PulledEvent[], actor: string): Promise<DeletionSync> {
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
    for (const del of deletions) {
      if (have.has(del.key)) {
        out.known += 1;
        continue;
      }
      await vault.ledger.append(tx, { actor, action: INTAKE_DELETION_ACTION, subjects: [], details: del.details });
      have.add(del.key);
      out.recorded += 1;
    }
  });
  return out;
}
