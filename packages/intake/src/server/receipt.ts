import { openNote, signNote, type NoteSigner } from '@custodia/ledger';

/**
 * A receipt is a C2SP signed note by the intake's instance key:
 *
 *   custodia-intake receipt v1
 *   submission sub-…
 *   batch bat-…
 *   manifest sha256:<hex of the encrypted manifest as uploaded>
 *   file <upload id> <ciphertext bytes>      (one line per file)
 *   received 2026-11-30T09:00:00.000Z
 *
 * The manifest hash binds the encrypted manifest, which names every file's path, size and
 * plaintext SHA-256: with it and a recipient's key, the source can show what they gave and when.
 */
export interface ReceiptFacts {
  submissionId: string;
  batchId: string;
  manifestSha256: string;
  files: { uploadId: string; size: number }[];
  receivedAt: Date;
}

export function receiptText(f: ReceiptFacts): string {
  const lines = [
    'custodia-intake receipt v1',
    `submission ${f.submissionId}`,
    `batch ${f.batchId}`,
    `manifest sha256:${f.manifestSha256}`,
    ...f.files.map((x) => `file ${x.uploadId} ${x.size}`),
    `received ${f.receivedAt.toISOString()}`,
  ];
  return lines.join('\n') + '\n';
}

export function signReceipt(f: ReceiptFacts, key: NoteSigner): string {
  return signNote(receiptText(f), key);
}

/** Verifies a receipt against the intake's published verifier key; returns the signed facts. */
export function verifyReceipt(note: string, verifierKey: string): { text: string; manifestSha256: string; receivedAt: string } {
  const opened = openNote(note, [verifierKey]);
  if (!opened.signatures.some((s) => s.verified)) throw new Error('the receipt is not signed by this intake key');
  const manifest = /^manifest sha256:([0-9a-f]{64})$/m.exec(opened.text)?.[1];
  const received = /^received (\S+)$/m.exec(opened.text)?.[1];
  if (!manifest || !received) throw new Error('not a custodia-intake receipt');
  return { text: opened.text, manifestSha256: manifest, receivedAt: received };
}
