// Checkpoints (C2SP tlog-checkpoint): the signed statement "the log called <origin> had
// <size> entries and this Merkle root hash". Each line ends in \n:
//
//   <origin>
//   <tree size, decimal>
//   <root hash, standard base64>
//   [optional extension lines]
//
// A checkpoint is signed as a signed note (see note.ts).

import { HASH_SIZE } from './merkle.js';
import { decodeBase64Strict, openNote, signNote, type NoteSignature, type NoteSigner, type VerifierKey } from './note.js';

/** Thrown when a checkpoint is malformed. */
export class CheckpointFormatError extends Error {
  constructor(message: string) {
    super(`checkpoint: ${message}`);
    this.name = 'CheckpointFormatError';
  }
}

/** A tree head: which log, how many entries, and the Merkle root of those entries. */
export interface Checkpoint {
  /** Unique name of the log, e.g. `custodia.example/ledger`. */
  origin: string;
  /** Number of entries in the tree. */
  size: number;
  /** The 32-byte RFC 6962 root hash of the first `size` entries. */
  rootHash: Buffer;
  /** Optional extra lines (opaque to this package). */
  extensions: string[];
}

function checkLine(line: string, what: string): void {
  if (typeof line !== 'string' || line.length === 0) throw new CheckpointFormatError(`${what} must be a non-empty string`);
  if (/[\u0000-\u001f]/.test(line)) throw new CheckpointFormatError(`${what} must not contain newlines or control characters`);
}

/**
 * Formats a checkpoint body (the text that gets signed).
 *
 * @example
 * formatCheckpoint({ origin: 'custodia.example/ledger', size: 8, rootHash: tree.root() })
 * // => 'custodia.example/ledger\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n'
 */
export function formatCheckpoint(cp: { origin: string; size: number; rootHash: Uint8Array; extensions?: readonly string[] }): string {
  checkLine(cp.origin, 'origin');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new CheckpointFormatError('size must be a non-negative integer');
  if (!(cp.rootHash instanceof Uint8Array) || cp.rootHash.length !== HASH_SIZE) {
    throw new CheckpointFormatError(`root hash must be ${HASH_SIZE} bytes`);
  }
  let out = `${cp.origin}\n${cp.size}\n${Buffer.from(cp.rootHash).toString('base64')}\n`;
  for (const [i, ext] of (cp.extensions ?? []).entries()) {
    checkLine(ext, `extension line ${i + 1}`);
    out += `${ext}\n`;
  }
  return out;
}

/**
 * Parses a checkpoint body strictly: every line ends in \n, the size is decimal without
 * leading zeros, the root hash is canonical base64 of exactly 32 bytes, extension lines are non-empty.
 *
 * @example
 * parseCheckpoint('custodia.example/ledger\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n')
 * // => { origin: 'custodia.example/ledger', size: 8, rootHash: <32 bytes>, extensions: [] }
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) throw new CheckpointFormatError('text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CheckpointFormatError('must have at least 3 lines (origin, size, root hash)');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  checkLine(origin, 'origin');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new CheckpointFormatError(`size ${JSON.stringify(sizeText)} is not a decimal number without leading zeros`);
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new CheckpointFormatError(`size ${sizeText} is too large`);
  const rootHash = decodeBase64Strict(rootText);
  if (rootHash === null || rootHash.length !== HASH_SIZE) {
    throw new CheckpointFormatError(`root hash ${JSON.stringify(rootText)} is not canonical base64 of ${HASH_SIZE} bytes`);
  }
  for (const [i, ext] of extensions.entries()) checkLine(ext, `extension line ${i + 1}`);
  return { origin, size, rootHash, extensions };
}

/**
 * Formats and signs a checkpoint as a signed note.
 *
 * @example
 * const signed = signCheckpoint({ origin: key.name, size: tree.size, rootHash: tree.root() }, key);
 */
export function signCheckpoint(
  cp: { origin: string; size: number; rootHash: Uint8Array; extensions?: readonly string[] },
  signers: NoteSigner | readonly NoteSigner[],
): string {
  return signNote(formatCheckpoint(cp), signers);
}

/**
 * Verifies a signed checkpoint (see {@link openNote}) and parses it. If `origin` is given,
 * the checkpoint must be for that log.
 *
 * @example
 * const { checkpoint } = openCheckpoint(signed, [verifierKey], { origin: 'custodia.example/ledger' });
 * verifyConsistency(old.size, checkpoint.size, proof, old.rootHash, checkpoint.rootHash);
 */
export function openCheckpoint(
  signedNote: string | Uint8Array,
  verifierKeys: readonly (string | VerifierKey)[],
  options: { origin?: string } = {},
): { checkpoint: Checkpoint; signatures: NoteSignature[] } {
  const { text, signatures } = openNote(signedNote, verifierKeys);
  const checkpoint = parseCheckpoint(text);
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    throw new CheckpointFormatError(`origin is ${JSON.stringify(checkpoint.origin)}, expected ${JSON.stringify(options.origin)}`);
  }
  return { checkpoint, signatures };
}
