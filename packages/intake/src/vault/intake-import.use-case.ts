import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { open as openSealed } from '../crypto/sealed.js';
import { ManifestSchema } from '../crypto/manifest.schema.js';
import type { Manifest } from '../crypto/manifest.js';
import { decryptAge } from '../node/node-age.js';
import type { PullClient, PulledSubmission } from './pull.client.js';

export interface ImportProblem {
  batchId: string;
  path: string;
  reason: string;
}

export interface ImportProgress {
  file(path: string, size: number): void;
  bytes(n: number): void;
}

export interface IngestFolders {
  /** Ingests the given folders as one acquisition of kind 'intake-submission'; returns its id. */
  (roots: string[], meta: { sourceLabel: string; note: string }): Promise<{ acquisitionId: number; status: string }>;
}

export interface ImportResult {
  submissionId: string;
  batches: string[];
  files: number;
  bytes: number;
  problems: ImportProblem[];
  acquisitionId: number | null;
  markedImported: boolean;
}

/**
 * Imports one submission's sealed, not yet imported batches into the vault: pulls the ciphertext,
 * decrypts it (streaming) into a work folder on the vault machine, checks every file against the
 * source's manifest (size, SHA-256, zero padding), and ingests the folder through the vault's own
 * ingest use case. A mismatch is reported and the file is still ingested as received; the batch
 * then stays on the intake (not marked imported) so its ciphertext is kept for examination.
 */
export async function importSubmission(
  sub: PulledSubmission,
  deps: { pull: PullClient; identities: string[]; workDir: string; ingest: IngestFolders; progress?: ImportProgress },
): Promise<ImportResult> {
  const batches = sub.batches.filter((b) => b.sealedAt && !b.importedAt && !b.purgedAt);
  const result: ImportResult = { submissionId: sub.id, batches: batches.map((b) => b.id), files: 0, bytes: 0, problems: [], acquisitionId: null, markedImported: false };
  if (batches.length === 0) return result;
  const root = join(deps.workDir, sub.id);
  await rm(root, { recursive: true, force: true });
  const roots: string[] = [];
  const records = join(root, 'intake-records');
  await mkdir(records, { recursive: true });
  for (const batch of batches) {
    const dir = join(root, batch.id);
    await mkdir(dir, { recursive: true });
    roots.push(dir);
    let manifest: Manifest;
    try {
      const plain = await openSealed(await deps.pull.manifest(batch.id), deps.identities);
      manifest = ManifestSchema.parse(JSON.parse(new TextDecoder().decode(plain)));
      await writeFile(join(records, `${batch.id}.manifest.json`), plain);
    } catch (e) {
      result.problems.push({ batchId: batch.id, path: '(manifest)', reason: `the manifest cannot be read: ${(e as Error).message}` });
      continue;
    }
    if (batch.receipt) await writeFile(join(records, `${batch.id}.receipt.txt`), batch.receipt);
    if (manifest.batchId !== batch.id) result.problems.push({ batchId: batch.id, path: '(manifest)', reason: `the manifest names batch ${manifest.batchId}` });
    const uploaded = new Map(batch.files.map((f) => [f.uploadId, f]));
    for (const entry of manifest.files) {
      const dest = join(dir, ...entry.path.split('/'));
      if (!uploaded.has(entry.uploadId)) {
        result.problems.push({ batchId: batch.id, path: entry.path, reason: `listed in the manifest but never uploaded (${entry.uploadId})` });
        continue;
      }
      uploaded.delete(entry.uploadId);
      deps.progress?.file(entry.path, entry.size);
      const check = await decryptTo(deps, entry.uploadId, dest, entry.size, deps.progress);
      if (check.error) result.problems.push({ batchId: batch.id, path: entry.path, reason: check.error });
      else if (check.size !== entry.size) result.problems.push({ batchId: batch.id, path: entry.path, reason: `size ${check.size} differs from the manifest's ${entry.size}` });
      else if (check.sha256 !== entry.sha256) result.problems.push({ batchId: batch.id, path: entry.path, reason: `SHA-256 ${check.sha256} differs from the manifest's ${entry.sha256}` });
      else if (!check.paddingClean) result.problems.push({ batchId: batch.id, path: entry.path, reason: 'the padding after the file is not all zeros' });
      if (entry.mtime && !Number.isNaN(Date.parse(entry.mtime))) await utimes(dest, new Date(), new Date(entry.mtime)).catch(() => {});
      result.files += 1;
      result.bytes += check.size;
    }
    // Uploaded but absent from the manifest: still evidence, kept under its upload id.
    for (const extra of uploaded.values()) {
      if (!extra.complete) continue;
      const dest = join(dir, '_not-in-manifest', extra.uploadId);
      const check = await decryptTo(deps, extra.uploadId, dest, Number.MAX_SAFE_INTEGER, deps.progress);
      result.problems.push({ batchId: batch.id, path: `_not-in-manifest/${extra.uploadId}`, reason: check.error ?? 'uploaded but not listed in the manifest (kept with its padding)' });
    }
  }
  await writeFile(join(records, 'import-check.json'), JSON.stringify({ submission: sub.id, batches: result.batches, problems: result.problems }, null, 2) + '\n');
  roots.push(records);
  const note = [
    `intake submission ${sub.id} (channel ${sub.channel}, via ${sub.via}); batches ${result.batches.join(', ')}`,
    result.problems.length === 0 ? 'every file matches the source manifest (size and SHA-256)' : `${result.problems.length} problem(s): ${result.problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`,
  ].join('\n');
  const acq = await deps.ingest(roots, { sourceLabel: `intake submission ${sub.id}`, note });
  result.acquisitionId = acq.acquisitionId;
  if (result.problems.length === 0) {
    await deps.pull.markImported(result.batches, String(acq.acquisitionId));
    result.markedImported = true;
  }
  await rm(root, { recursive: true, force: true });
  return result;
}

async function decryptTo(
  deps: { pull: PullClient; identities: string[] },
  uploadId: string,
  dest: string,
  size: number,
  progress?: ImportProgress,
): Promise<{ size: number; sha256: string; paddingClean: boolean; error?: string }> {
  await mkdir(dirname(dest), { recursive: true });
  const hash = createHash('sha256');
  const out = createWriteStream(dest, { flags: 'w' });
  let written = 0;
  let paddingClean = true;
  let error: string | undefined;
  try {
    for await (const part of decryptAge(await deps.pull.file(uploadId), deps.identities)) {
      const keep = part.subarray(0, Math.max(0, Math.min(part.length, size - written)));
      if (keep.length < part.length && !part.subarray(keep.length).every((b) => b === 0)) paddingClean = false;
      if (keep.length > 0) {
        hash.update(keep);
        if (!out.write(keep)) await new Promise<void>((r) => out.once('drain', () => r()));
        written += keep.length;
        progress?.bytes(keep.length);
      }
    }
  } catch (e) {
    error = `decryption failed after ${written} bytes: ${(e as Error).message} (what was decrypted before is kept)`;
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { size: written, sha256: hash.digest('hex'), paddingClean, error };
}
