import type { ItemKind, ItemStatus } from '../evidence.js';

/** A regular file found on disk. Paths are kept as raw bytes: names on a seized disk are not always UTF-8. */
export interface FoundFile {
  type: 'file';
  root: string;
  rawPath: Buffer;
  displayPath: string;
  relPath: string;
  size: number;
  mtimeMs: number;
  /**
   * The modification time as the source stated it (an intake manifest's timestamp, kept verbatim;
   * null when the source gave none). When present it is recorded instead of `mtimeMs`.
   */
  mtime?: string | null;
  /** How `rawPath` is encoded (default 'fs': bytes as the filesystem gave them). */
  pathEncoding?: string;
  mode: number;
  dev: number;
  ino: number;
}

/** Something found that cannot be read as a regular file, with a precise reason. */
export interface FoundProblem {
  type: 'problem';
  root: string;
  rawPath: Buffer;
  displayPath: string;
  relPath: string;
  status: ItemStatus;
  reason: string;
  pathEncoding?: string;
}

/** A check of the bytes read against what the source declared (an intake manifest), failed. */
export interface ReadProblem {
  status: ItemStatus;
  reason: string;
}

export interface OpenedFile {
  chunks: AsyncIterable<Buffer>;
  finished(): Promise<
    ({ bytesRead: number; changed: false } | { bytesRead: number; changed: true; reason: string }) & { problem?: ReadProblem }
  >;
}

export interface ArchiveMember {
  type: 'member';
  index: number;
  rawName: Buffer;
  name: string;
  nameEncoding: string;
  lossy: boolean;
  isDirectory: boolean;
  size: number;
  /** Local time as written in the archive, without a zone (zip stores none). */
  mtime: string;
  open(): Promise<AsyncIterable<Buffer>>;
}

export interface ArchiveProblem {
  type: 'problem';
  index?: number;
  rawName?: Buffer;
  name?: string;
  status: ItemStatus;
  reason: string;
}

export interface Sniffed {
  kind: ItemKind;
  format: string;
  mime?: string;
}

/** Reading evidence from where it lies. Implemented by `@custodia/acquire`. */
export interface EvidenceReader {
  walk(roots: string[]): AsyncIterable<FoundFile | FoundProblem>;
  totalSize(roots: string[]): Promise<{ files: number; bytes: number }>;
  open(file: FoundFile): Promise<OpenedFile>;
  sniff(head: Uint8Array, nameHint?: string): Sniffed;
  checkStructure(path: string, format: string): Promise<{ status: 'ok' | 'truncated' | 'corrupt'; reason?: string }>;
  isArchive(format: string): boolean;
  readArchive(path: string): AsyncIterable<ArchiveMember | ArchiveProblem>;
}
