// Reads one walked file for preservation. The file must be the very one the walk listed (a swap
// between listing and reading would put other bytes under the listed name), must not block (a
// FIFO put in its place), and any change while it is read must be reported, because the hash that
// is computed over these chunks becomes the evidence record.
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { FsFile } from './fs-walk.js';

export type ReadOutcome =
  | { bytesRead: number; changed: false }
  | { bytesRead: number; changed: true; reason: string };

export interface CheckedFile {
  /** Single-use. Each chunk is a fresh Buffer the consumer may keep. */
  chunks: AsyncIterable<Buffer>;
  /** Settles after the last chunk: rejects if reading failed or stopped before the end. */
  finished: () => Promise<ReadOutcome>;
  /** Releases the file without reading it (iterating to the end, or breaking out, also does). */
  close: () => Promise<void>;
}

export class FileReadError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FileReadError';
  }
}

export interface OpenCheckedOptions {
  /** Bytes per chunk; default 8 MiB. */
  chunkSize?: number;
}

// After the expected size is reached one more read confirms the end; it needs no 8 MiB buffer.
const EOF_PROBE = 64 * 1024;
const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY } = constants;
// Reading evidence should not rewrite the source medium's access times; the kernel allows this
// flag only to the file's owner (or a privileged user), so it is dropped when refused.
const O_NOATIME = (constants as Record<string, number>)['O_NOATIME'] ?? 0;

function codeOf(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function typeOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isDirectory()) return 'a directory';
  return 'not a regular file';
}

const iso = (ms: number) => new Date(ms).toISOString();

async function openNoFollow(path: Buffer, display: string): Promise<FileHandle> {
  // O_NONBLOCK: if a FIFO was put at this path, open() must return instead of waiting for a writer.
  const flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
  try {
    return await open(path, flags | O_NOATIME);
  } catch (err) {
    if (O_NOATIME && codeOf(err) === 'EPERM') {
      try {
        return await open(path, flags);
      } catch (retryErr) {
        err = retryErr;
      }
    }
    const code = codeOf(err);
    const why =
      code === 'ELOOP'
        ? 'it has been replaced by a symbolic link since it was listed'
        : code === 'ENOENT'
          ? 'it no longer exists'
          : code === 'EACCES'
            ? 'permission denied'
            : (err as Error).message;
    throw new FileReadError(`cannot open ${display}: ${why} (${code ?? 'error'})`, display, code, { cause: err });
  }
}

export async function openChecked(file: FsFile, opts: OpenCheckedOptions = {}): Promise<CheckedFile> {
  const chunkSize = opts.chunkSize ?? 8 * 1024 * 1024;
  if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) throw new RangeError(`invalid chunkSize ${chunkSize}`);
  const display = file.displayPath;
  const fh = await openNoFollow(file.targetPath ?? file.rawPath, display);

  let start: Stats;
  try {
    start = await fh.stat();
    if (!start.isFile()) {
      throw new FileReadError(`${display} is no longer a regular file: it is now ${typeOf(start)}`, display, 'ENOTREG');
    }
    if (start.dev !== file.dev || start.ino !== file.ino) {
      throw new FileReadError(
        `${display} was replaced after it was listed (device/inode ${file.dev}/${file.ino} then, ${start.dev}/${start.ino} now)`,
        display,
        'EREPLACED',
      );
    }
  } catch (err) {
    await fh.close();
    throw err;
  }

  const listedChanges: string[] = [];
  if (start.size !== file.size) listedChanges.push(`size changed from ${file.size} bytes (when listed) to ${start.size} bytes (when opened)`);
  if (start.mtimeMs !== file.mtimeMs) listedChanges.push(`modified after it was listed (${iso(file.mtimeMs)} then, ${iso(start.mtimeMs)} when opened)`);

  let settle!: { resolve: (o: ReadOutcome) => void; reject: (e: Error) => void };
  const outcome = new Promise<ReadOutcome>((resolve, reject) => (settle = { resolve, reject }));
  outcome.catch(() => {}); // observed through finished(); never an unhandled rejection

  let started = false;
  let closed = false;
  const closeOnce = async () => {
    if (closed) return;
    closed = true;
    await fh.close();
  };

  const readAt = async (position: number): Promise<Buffer | null> => {
    const remaining = start.size - position;
    const length = remaining > 0 ? Math.min(chunkSize, remaining) : Math.min(chunkSize, EOF_PROBE);
    // A fresh buffer every time: consumers keep chunks while they are hashed and written.
    const buf = Buffer.allocUnsafe(length);
    let bytesRead: number;
    try {
      ({ bytesRead } = await fh.read(buf, 0, length, position));
    } catch (err) {
      const code = codeOf(err) ?? 'error';
      throw new FileReadError(`error reading ${display} at byte offset ${position}: ${(err as Error).message} (${code})`, display, code, { cause: err });
    }
    if (bytesRead === 0) return null;
    return bytesRead === length ? buf : buf.subarray(0, bytesRead);
  };

  async function* iterate(): AsyncGenerator<Buffer> {
    let position = 0;
    let done = false;
    let pending: Promise<Buffer | null> = readAt(0);
    try {
      for (;;) {
        const chunk = await pending;
        if (chunk === null) break;
        position += chunk.length;
        // Read ahead one chunk so the disk works while the consumer hashes and writes this one.
        pending = readAt(position);
        pending.catch(() => {});
        yield chunk;
      }
      done = true;
      const end = await fh.stat();
      settle.resolve(compare(position, start, end, listedChanges));
    } catch (err) {
      settle.reject(err as Error);
      throw err;
    } finally {
      if (!done) {
        await pending.catch(() => {});
        settle.reject(new FileReadError(`reading ${display} stopped after ${position} bytes, before the end of the file`, display, 'EABORTED'));
      }
      await closeOnce();
    }
  }

  const gen = iterate();
  return {
    chunks: {
      [Symbol.asyncIterator]() {
        if (started) throw new Error(`chunks of ${display} can only be iterated once`);
        started = true;
        return gen;
      },
    },
    finished: () => outcome,
    close: async () => {
      if (!started) {
        started = true;
        settle.reject(new FileReadError(`${display} was closed without being read`, display, 'EABORTED'));
        await closeOnce();
      } else {
        await gen.return(undefined);
      }
    },
  };
}

function compare(bytesRead: number, start: Stats, end: Stats, listed: string[]): ReadOutcome {
  const reasons = [...listed];
  if (end.size !== start.size) reasons.push(`size changed from ${start.size} to ${end.size} bytes while being read`);
  if (end.mtimeMs !== start.mtimeMs) reasons.push(`modified while being read (${iso(start.mtimeMs)} → ${iso(end.mtimeMs)})`);
  if (end.ctimeMs !== start.ctimeMs && end.mtimeMs === start.mtimeMs) {
    reasons.push(`status changed while being read (ctime ${iso(start.ctimeMs)} → ${iso(end.ctimeMs)})`);
  }
  if (bytesRead !== end.size) reasons.push(`read ${bytesRead} bytes but the file is ${end.size} bytes long`);
  return reasons.length === 0 ? { bytesRead, changed: false } : { bytesRead, changed: true, reason: reasons.join('; ') };
}
