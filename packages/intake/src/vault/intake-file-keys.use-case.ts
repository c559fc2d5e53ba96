import { ageHeaderOf, FileKeyRing, headerDigest, headerMacMatches } from '../node/file-keys.js';
import type { PullClient, PulledSubmission } from './pull.client.js';

/** One age header an import of the submission will need opened: a batch's manifest or an upload. */
export interface ImportHeader {
  batchId: string;
  /** Null for the batch's manifest. */
  uploadId: string | null;
  header: Uint8Array;
  sha256: string;
}

const pendingBatches = (sub: PulledSubmission) => sub.batches.filter((b) => b.sealedAt && !b.importedAt && !b.purgedAt);

/**
 * The age headers of everything an import of `sub` decrypts (each pending batch's manifest and
 * complete uploads), for the staff member's browser to unwrap into per-file keys (ADR 0028).
 */
export async function importHeaders(sub: PulledSubmission, pull: PullClient): Promise<ImportHeader[]> {
  const out: ImportHeader[] = [];
  for (const batch of pendingBatches(sub)) {
    const manifest = ageHeaderOf(await pull.manifest(batch.id));
    if (manifest) out.push({ batchId: batch.id, uploadId: null, header: manifest.slice(), sha256: headerDigest(manifest) });
    for (const f of batch.files) {
      if (!f.complete) continue;
      const header = await pull.fileHeader(f.uploadId);
      out.push({ batchId: batch.id, uploadId: f.uploadId, header, sha256: headerDigest(header) });
    }
  }
  return out;
}

export class FileKeysRefused extends Error {}

/**
 * The key ring for an import of `sub`, from the file keys a browser sent: every header the import
 * needs must have a key that opens it (its MAC verifies), or the import is refused before it starts.
 */
export async function importKeyRing(sub: PulledSubmission, pull: PullClient, given: { header: string; key: Uint8Array }[]): Promise<FileKeyRing> {
  const byHeader = new Map(given.map((g) => [g.header, g.key]));
  const ring = new FileKeyRing();
  const missing: string[] = [];
  for (const h of await importHeaders(sub, pull)) {
    const key = byHeader.get(h.sha256);
    const what = h.uploadId ? `upload ${h.uploadId}` : `the manifest of ${h.batchId}`;
    if (!key) {
      missing.push(what);
      continue;
    }
    if (key.length !== 16 || !headerMacMatches(h.header, key)) {
      ring.clear();
      throw new FileKeysRefused(`the file key given for ${what} does not open it`);
    }
    ring.add(h.sha256, key);
  }
  if (missing.length > 0) {
    ring.clear();
    throw new FileKeysRefused(`no file key for ${missing.length} file(s) of the submission (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}): is your key among the channel's recipients?`);
  }
  return ring;
}
