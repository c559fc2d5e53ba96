import { intakeBatchSource, type IntakeSourceReader } from './intake-evidence-source.js';
import type { AgeKeys } from '../node/node-age.js';
import type { PullClient, PulledSubmission } from './pull.client.js';

export interface ImportProblem {
  batchId: string;
  path: string;
  reason: string;
}

/** Problems of these statuses come from the intake's own checks (manifest, decryption, missing uploads). */
const INTAKE_CHECK_STATUSES = new Set(['manifest-mismatch', 'not-found', 'unreadable']);

export interface IngestBatch {
  /**
   * Ingests one batch, read through `reader`, as (or resuming) an acquisition of kind
   * 'intake-submission' rooted at `root`. When the batch was already ingested, returns that
   * acquisition with `already: true` (unless a new acquisition is asked for).
   */
  (req: { root: string; reader: IntakeSourceReader; sourceLabel: string; note: string }): Promise<{
    acquisitionId: number;
    already: boolean;
    problems: { path: string; status: string; reason: string }[];
  }>;
}

export interface BatchImport {
  batchId: string;
  acquisitionId: number;
  /** The batch had been ingested before (its acquisition is reported, nothing new recorded). */
  already: boolean;
  files: number;
  bytes: number;
  problems: ImportProblem[];
  markedImported: boolean;
}

export interface ImportResult {
  submissionId: string;
  batches: BatchImport[];
  files: number;
  bytes: number;
  problems: ImportProblem[];
  /** Every batch was clean and is marked imported on the intake. */
  markedImported: boolean;
}

/**
 * Imports one submission's sealed, not yet imported batches into the vault, one acquisition per
 * batch named after the pseudonymous submission and the batch. The vault's ingest reads each
 * batch straight from the intake (see intakeBatchSource): items carry the source's own relative
 * paths and timestamps, and a re-run after an interruption resumes the same acquisition. A batch
 * whose files all match the source's manifest is marked imported on the intake; one with a
 * mismatch stays there, so its ciphertext is kept for examination.
 */
export async function importSubmission(
  sub: PulledSubmission,
  deps: { pull: PullClient; identities: AgeKeys; ingest: IngestBatch },
): Promise<ImportResult> {
  const pending = sub.batches.filter((b) => b.sealedAt && !b.importedAt && !b.purgedAt);
  const result: ImportResult = { submissionId: sub.id, batches: [], files: 0, bytes: 0, problems: [], markedImported: pending.length > 0 };
  for (const batch of pending) {
    const source = await intakeBatchSource(sub, batch, deps);
    const res = await deps.ingest({
      root: source.root,
      reader: source.reader,
      sourceLabel: `intake submission ${sub.id}, batch ${batch.id}`,
      note: `intake submission ${sub.id} (channel ${sub.channel}, via ${sub.via}), batch ${batch.id} sealed ${batch.sealedAt}; paths and timestamps as the source's manifest gives them, each file checked against its size and SHA-256`,
    });
    const problems = res.problems
      .filter((p) => INTAKE_CHECK_STATUSES.has(p.status) && !p.path.includes('!/'))
      .map((p) => ({ batchId: batch.id, path: p.path, reason: p.reason }));
    const done: BatchImport = { batchId: batch.id, acquisitionId: res.acquisitionId, already: res.already, files: source.files, bytes: source.bytes, problems, markedImported: false };
    if (problems.length === 0) {
      await deps.pull.markImported([batch.id], String(res.acquisitionId));
      done.markedImported = true;
    }
    result.batches.push(done);
    result.files += done.files;
    result.bytes += done.bytes;
    result.problems.push(...problems);
    result.markedImported &&= done.markedImported;
  }
  return result;
}
