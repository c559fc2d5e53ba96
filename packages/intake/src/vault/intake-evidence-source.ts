import { createHash } from 'node:crypto';
import type { EvidenceReader, FoundFile, FoundProblem, OpenedFile, ReadProblem } from '@custodia/core';
import { ManifestSchema } from '../crypto/manifest.schema.js';
import type { Manifest } from '../crypto/manifest.js';
import { decryptAge, openAge, type AgeKeys } from '../node/node-age.js';
import type { PullClient, PulledBatch, PulledSubmission } from './pull.client.js';

/** The part of the vault's evidence reader that an intake batch replaces: what is there, and how to read it. */
export type IntakeSourceReader = Pick<EvidenceReader, 'walk' | 'totalSize' | 'open'>;

export interface IntakeBatchSource {
  /** The acquisition's single root; it names the submission and the batch, and keys resumption. */
  root: string;
  /** Files the batch holds (listed in the manifest or uploaded), records not counted. */
  files: number;
  /** Their declared plaintext bytes. */
  bytes: number;
  reader: IntakeSourceReader;
}

interface Entry {
  found: FoundFile | FoundProblem;
  open?: () => Promise<OpenedFile>;
}

/**
 * One sealed batch as an ingest source: each file of the source's manifest is an entry named by
 * the source's own relative path and timestamp, whose bytes are the ciphertext pulled from the
 * intake and decrypted as they stream into the vault's blob store. No plaintext is written
 * anywhere else. Each file is checked against the manifest (size, SHA-256, zero padding, clean
 * decryption) as it streams; a failed check becomes the item's problem, and the bytes received
 * are kept. The decrypted manifest and the signed receipt are recorded beside the files.
 */
export async function intakeBatchSource(
  sub: PulledSubmission,
  batch: PulledBatch,
  deps: { pull: PullClient; identities: AgeKeys },
): Promise<IntakeBatchSource> {
  const root = `intake:${sub.id}/${batch.id}`;
  const entries: Entry[] = [];
  let manifest: Manifest | null = null;
  let manifestPlain: Uint8Array | null = null;
  let manifestProblem: string | null = null;
  try {
    manifestPlain = await openAge(await deps.pull.manifest(batch.id), deps.identities);
    manifest = ManifestSchema.parse(JSON.parse(new TextDecoder().decode(manifestPlain)));
    if (manifest.batchId !== batch.id) manifestProblem = `the manifest names batch ${manifest.batchId}, not ${batch.id}`;
  } catch (e) {
    manifest = null;
    manifestProblem = `the manifest cannot be read: ${(e as Error).message}`;
  }

  const paths = new Set(manifest?.files.map((f) => f.path) ?? []);
  // Records sit under a folder no source path uses, so they can never shadow a source file.
  let recordDir = '_intake-records';
  while ([...paths].some((p) => p === recordDir || p.startsWith(`${recordDir}/`))) recordDir = `_${recordDir}`;
  const record = (name: string, bytes: Uint8Array, problem: string | null) => {
    const path = `${recordDir}/${batch.id}.${name}`;
    entries.push({
      found: fileEntry(root, path, bytes.length, null),
      open: async () => ({
        chunks: (async function* () {
          yield Buffer.from(bytes);
        })(),
        finished: async () => ({ bytesRead: bytes.length, changed: false, ...(problem ? { problem: { status: 'manifest-mismatch', reason: problem } } : {}) }),
      }),
    });
  };
  if (manifestPlain) record('manifest.json', manifestPlain, manifestProblem);
  else entries.push({ found: { type: 'problem', root, rawPath: Buffer.from(`${recordDir}/${batch.id}.manifest`), displayPath: `${recordDir}/${batch.id}.manifest`, relPath: `${recordDir}/${batch.id}.manifest`, status: 'unreadable', reason: manifestProblem ?? 'no manifest', pathEncoding: 'utf-8' } });
  if (batch.receipt) record('receipt.txt', new TextEncoder().encode(batch.receipt), null);

  const uploaded = new Map(batch.files.map((f) => [f.uploadId, f]));
  let files = 0;
  let bytes = 0;
  for (const f of manifest?.files ?? []) {
    files += 1;
    bytes += f.size;
    if (!uploaded.has(f.uploadId)) {
      entries.push({ found: { type: 'problem', root, rawPath: Buffer.from(f.path, 'utf8'), displayPath: f.path, relPath: f.path, status: 'not-found', reason: `listed in the source's manifest but never uploaded (${f.uploadId})`, pathEncoding: 'utf-8' } });
      continue;
    }
    uploaded.delete(f.uploadId);
    entries.push({ found: fileEntry(root, f.path, f.size, f.mtime), open: () => openUpload(deps, f.uploadId, { size: f.size, sha256: f.sha256 }) });
  }
  // Uploaded but absent from the manifest: still evidence, kept under its upload id with its padding.
  for (const extra of uploaded.values()) {
    if (!extra.complete) continue;
    files += 1;
    const path = `_not-in-manifest/${extra.uploadId}`;
    entries.push({ found: fileEntry(root, path, extra.size, null), open: () => openUpload(deps, extra.uploadId, null) });
  }

  const byKey = new Map(entries.map((e) => [e.found.rawPath.toString('hex'), e]));
  const reader: IntakeSourceReader = {
    async *walk(roots) {
      if (roots.length !== 1 || roots[0] !== root) throw new Error(`this source reads ${root} only`);
      for (const e of entries) yield e.found;
    },
    totalSize: async () => ({ files: entries.length, bytes: entries.reduce((n, e) => n + (e.found.type === 'file' ? e.found.size : 0), 0) }),
    open: async (file) => {
      const e = byKey.get(file.rawPath.toString('hex'));
      if (!e?.open) throw new Error(`${file.displayPath} is not part of ${root}`);
      return e.open();
    },
  };
  return { root, files, bytes, reader };
}

function fileEntry(root: string, path: string, size: number, mtime: string | null): FoundFile {
  const ms = mtime === null ? NaN : Date.parse(mtime);
  return {
    type: 'file',
    root,
    rawPath: Buffer.from(path, 'utf8'),
    displayPath: path,
    relPath: path,
    size,
    mtimeMs: Number.isNaN(ms) ? 0 : ms,
    mtime,
    pathEncoding: 'utf-8',
    mode: 0,
    dev: 0,
    ino: 0,
  };
}

/**
 * Pulls one upload's ciphertext and decrypts it as it is read. With a manifest entry the
 * plaintext is cut at the declared size and the rest must be zero padding; without one (a file
 * the manifest does not list) everything decrypted is kept.
 */
async function openUpload(
  deps: { pull: PullClient; identities: AgeKeys },
  uploadId: string,
  declared: { size: number; sha256: string } | null,
): Promise<OpenedFile> {
  const ciphertext = await deps.pull.file(uploadId);
  const hash = createHash('sha256');
  let written = 0;
  let paddingClean = true;
  let failure: string | null = null;
  async function* chunks(): AsyncIterable<Buffer> {
    try {
      for await (const part of decryptAge(ciphertext, deps.identities)) {
        const keep = declared ? part.subarray(0, Math.max(0, Math.min(part.length, declared.size - written))) : part;
        if (keep.length < part.length && !part.subarray(keep.length).every((b) => b === 0)) paddingClean = false;
        if (keep.length === 0) continue;
        hash.update(keep);
        written += keep.length;
        yield Buffer.from(keep.buffer, keep.byteOffset, keep.length);
      }
    } catch (e) {
      // What was decrypted and authenticated before the failure is kept as received.
      failure = `decryption failed after ${written} bytes: ${(e as Error).message} (what was decrypted before is kept)`;
    }
  }
  const finished = async (): Promise<{ bytesRead: number; changed: false; problem?: ReadProblem }> => {
    const problem = checkAgainst(declared, { failure, size: written, sha256: hash.copy().digest('hex'), paddingClean });
    return { bytesRead: written, changed: false, ...(problem ? { problem } : {}) };
  };
  return { chunks: chunks(), finished };
}

function checkAgainst(
  declared: { size: number; sha256: string } | null,
  got: { failure: string | null; size: number; sha256: string; paddingClean: boolean },
): ReadProblem | null {
  const mismatch = (reason: string): ReadProblem => ({ status: 'manifest-mismatch', reason });
  if (got.failure) return mismatch(got.failure);
  if (!declared) return mismatch('uploaded but not listed in the source\'s manifest (kept with its padding)');
  if (got.size !== declared.size) return mismatch(`size ${got.size} differs from the manifest's ${declared.size}`);
  if (got.sha256 !== declared.sha256) return mismatch(`SHA-256 ${got.sha256} differs from the manifest's ${declared.sha256}`);
  if (!got.paddingClean) return mismatch('the padding after the file is not all zeros');
  return null;
}
