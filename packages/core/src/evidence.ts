/** Domain vocabulary of the evidence vault. */

export type ItemKind = 'video' | 'image' | 'audio' | 'document' | 'archive' | 'other';

/**
 * What happened to one thing found during an acquisition. Only `ok` is clean; every other status
 * carries a precise human reason and makes the acquisition end "with problems".
 */
export type ItemStatus =
  | 'ok'
  | 'empty'
  | 'truncated'
  | 'corrupt'
  | 'changed-during-read'
  | 'unreadable'
  | 'permission-denied'
  | 'symlink-loop'
  | 'symlink-dangling'
  | 'symlink-outside'
  | 'symlink-not-followed'
  | 'special-file'
  | 'not-found'
  | 'encrypted'
  | 'unsupported'
  | 'unsafe-name'
  /** The bytes received differ from what the source declared (size, SHA-256, padding, decryption). */
  | 'manifest-mismatch';

/** Statuses for which the bytes were preserved (a blob exists), even if flawed. */
export const PRESERVED_STATUSES: ReadonlySet<ItemStatus> = new Set([
  'ok',
  'empty',
  'truncated',
  'corrupt',
  'changed-during-read',
  'unsafe-name',
  'manifest-mismatch',
]);

export type AcquisitionKind = 'bulk-ingest' | 'intake-submission';
export type AcquisitionStatus = 'running' | 'complete' | 'complete-with-problems';

export interface Acquisition {
  id: number;
  caseId: number;
  kind: AcquisitionKind;
  resumeKey: string;
  operator: string;
  host: string;
  toolVersion: string;
  sourceLabel: string | null;
  note: string | null;
  roots: string[];
  options: Record<string, unknown>;
  startedAt: Date;
  finishedAt: Date | null;
  status: AcquisitionStatus;
  manifestSha256: string | null;
}

export interface Item {
  id: number;
  caseId: number;
  acquisitionId: number;
  parentId: number | null;
  memberIndex: number | null;
  rawPath: Buffer;
  displayPath: string;
  relPath: string;
  pathEncoding: string;
  size: number | null;
  /** ISO time with zone for filesystem files; zone-less local time for archive members. */
  mtime: string | null;
  sha256: string | null;
  kind: ItemKind;
  format: string;
  status: ItemStatus;
  reason: string | null;
  ledgerSeq: number;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The raw bytes of an item's name in hex, when its display form is not an exact rendering of them
 * (a cp866 name in a zip, a non-UTF-8 file name); undefined when the display form is exact.
 * A member's display path is "archive!/name"; its raw bytes are the name alone.
 */
export function rawPathHexIfInexact(it: Pick<Item, 'parentId' | 'displayPath' | 'rawPath'>): string | undefined {
  const shown = it.parentId === null ? it.displayPath : it.displayPath.slice(it.displayPath.lastIndexOf('!/') + 2);
  return Buffer.from(shown, 'utf8').equals(it.rawPath) ? undefined : it.rawPath.toString('hex');
}
