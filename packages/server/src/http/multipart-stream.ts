import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { invalid } from '@custodia/core';

/**
 * A multipart/form-data body (RFC 7578) read as it streams in: the one file part is written to a
 * file as its bytes arrive (with the file's back-pressure), the other fields are kept as short
 * strings. Nothing holds more than a chunk of the file in memory, and the limits are enforced while
 * the body streams, whatever Content-Length says (or without one).
 */

export interface MultipartLimits {
  /** The part named so, with a file name, is written to `filePath`. */
  fileField: string;
  /** Created here (it must not exist); left for the caller to remove. */
  filePath: string;
  /** Bytes of the whole body. */
  maxBody: number;
  /** Bytes of the file. */
  maxFile: number;
  /** Bytes of each other field (default 64 KiB). */
  maxField?: number;
  /**
   * The body's declared length, if any (already checked against `maxBody`): a file over `maxFile`
   * is then read to the end of the body (and thrown away) before the refusal, so the client, done
   * sending, reads the answer; a body without one is left unread.
   */
  declaredLength?: number | null;
}

export interface MultipartBody {
  fields: Record<string, string>;
  /** The file part: its name as the client gave it, and its size. Null: no file part. */
  file: { name: string; size: number } | null;
}

/** The body or the file passed its limit; the rest of the body may be unread. */
export class MultipartTooLarge extends Error {
  constructor(
    readonly what: 'body' | 'file',
    /** The file's name, when the file was over its limit. */
    readonly fileName: string | null,
  ) {
    super(what === 'body' ? 'the body is larger than allowed' : `"${fileName}" is larger than allowed`);
  }
}

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');
const MAX_HEADERS = 16 * 1024;

/** The boundary of a multipart/form-data Content-Type, or a clear refusal. */
export function boundaryOf(contentType: string): string {
  const m = /^multipart\/form-data\s*;(?:.*;)?\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  const b = m?.[1] ?? m?.[2];
  if (!b) throw invalid('send the captured copy as multipart/form-data with a "file" field (no boundary in the Content-Type)', { where: 'body' });
  return b;
}

/** A Content-Disposition parameter (quoted with backslash escapes, or a token). */
function param(disposition: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i').exec(disposition);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
}

function fileNameOf(disposition: string): string | undefined {
  const star = param(disposition, 'filename\\*');
  if (star !== undefined) {
    const v = /^utf-8'[^']*'(.*)$/i.exec(star);
    if (v) {
      try {
        return decodeURIComponent(v[1]!);
      } catch {
        // fall back to the plain parameter
      }
    }
  }
  return param(disposition, 'filename');
}

/**
 * Reads `body` (multipart/form-data with `contentType`'s boundary): fields, and the file written to
 * `limits.filePath`. Refuses a malformed body (`Invalid`, where `body`), a field over its bound
 * (`Invalid`, where the field) and a second file; throws MultipartTooLarge past a size limit. On any
 * error the file is closed (the caller removes it with its directory).
 */
export async function receiveMultipart(body: ReadableStream<Uint8Array> | null, contentType: string, limits: MultipartLimits): Promise<MultipartBody> {
  const delimiter = Buffer.from(`\r\n--${boundaryOf(contentType)}`);
  const maxField = limits.maxField ?? 64 * 1024;
  const fields: Record<string, string> = {};
  let file: { name: string; size: number } | null = null;
  let out: WriteStream | null = null;
  const reader = body?.getReader();
  let total = 0;
  const next = async (): Promise<Uint8Array | null> => {
    if (!reader) return null;
    const r = await reader.read().catch(() => {
      throw invalid('the upload was cut off before its end: send it again', { where: 'body' });
    });
    if (r.done) return null;
    total += r.value.length;
    if (total > limits.maxBody) throw new MultipartTooLarge('body', null);
    return r.value;
  };

  // The part being read: a field's bytes, the file, or a part thrown away (a file under another name).
  let part: { kind: 'field'; name: string; bytes: Buffer[]; size: number } | { kind: 'file' } | { kind: 'skip' } | null = null;
  const take = async (data: Buffer): Promise<void> => {
    if (data.length === 0 || !part) return;
    if (part.kind === 'field') {
      part.size += data.length;
      if (part.size > maxField) throw invalid(`the field "${part.name}" is longer than ${maxField} bytes`, { where: part.name });
      part.bytes.push(Buffer.from(data));
    } else if (part.kind === 'file') {
      file!.size += data.length;
      if (file!.size > limits.maxFile) {
        if (limits.declaredLength != null) while ((await next()) !== null);
        throw new MultipartTooLarge('file', file!.name);
      }
      if (!out!.write(data)) await once(out!, 'drain');
    }
  };
  const open = (headerText: string): void => {
    const disposition = /^content-disposition:\s*(.*)$/im.exec(headerText)?.[1] ?? '';
    const name = param(disposition, 'name');
    const fileName = fileNameOf(disposition);
    if (name === undefined) part = { kind: 'skip' };
    else if (name === limits.fileField && fileName !== undefined) {
      if (file) throw invalid(`send one file in "${limits.fileField}"`, { where: limits.fileField });
      file = { name: fileName, size: 0 };
      out = createWriteStream(limits.filePath, { flags: 'wx' });
      part = { kind: 'file' };
    } else if (fileName !== undefined) part = { kind: 'skip' };
    else part = { kind: 'field', name, bytes: [], size: 0 };
  };
  const close = async (): Promise<void> => {
    if (part?.kind === 'field') fields[part.name] = Buffer.concat(part.bytes).toString('utf8');
    else if (part?.kind === 'file') {
      out!.end();
      await once(out!, 'close');
    }
    part = null;
  };

  // The first delimiter may open the body without the CRLF that precedes every other one.
  let buf: Buffer = CRLF;
  let state = 'preamble' as 'preamble' | 'after-delimiter' | 'headers' | 'part' | 'epilogue';
  try {
    for (;;) {
      const progress = await step();
      if (progress) continue;
      const chunk = await next();
      if (chunk === null) break;
      buf = buf.length > 0 ? Buffer.concat([buf, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    }
    if (state !== 'epilogue') throw invalid('the upload ended before its closing boundary: send it again', { where: 'body' });
    return { fields, file };
  } catch (e) {
    // The file is closed before the caller removes it (no descriptor left open on a refusal).
    const w = out as WriteStream | null;
    if (w && !w.closed) {
      w.destroy();
      await once(w, 'close').catch(() => undefined);
    }
    throw e;
  } finally {
    reader?.releaseLock();
  }

  /** Advances over what `buf` holds; false when more bytes are needed. */
  async function step(): Promise<boolean> {
    switch (state) {
      case 'preamble':
      case 'part': {
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          // Keep what could be the start of a delimiter split across chunks.
          const safe = buf.length - (delimiter.length - 1);
          if (safe > 0) {
            if (state === 'part') await take(buf.subarray(0, safe));
            buf = buf.subarray(safe);
          }
          return false;
        }
        if (state === 'part') {
          await take(buf.subarray(0, at));
          await close();
        }
        buf = buf.subarray(at + delimiter.length);
        state = 'after-delimiter';
        return true;
      }
      case 'after-delimiter': {
        // Transport padding (spaces, tabs) may follow a delimiter.
        let i = 0;
        while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09)) i += 1;
        buf = buf.subarray(i);
        if (buf.length < 2) return false;
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          state = 'epilogue';
          return true;
        }
        if (buf[0] !== 0x0d || buf[1] !== 0x0a) throw invalid('the upload is not well-formed multipart/form-data (a boundary is not followed by a line end)', { where: 'body' });
        buf = buf.subarray(2);
        state = 'headers';
        return true;
      }
      case 'headers': {
        // A part without headers: its empty header block is the line end right away.
        const end = buf.subarray(0, 2).equals(CRLF) ? -2 : buf.indexOf(HEADERS_END);
        if (end === -1) {
          if (buf.length > MAX_HEADERS) throw invalid(`the upload is not well-formed multipart/form-data (a part's headers pass ${MAX_HEADERS} bytes)`, { where: 'body' });
          return false;
        }
        open(end === -2 ? '' : buf.subarray(0, end).toString('utf8'));
        buf = buf.subarray(end === -2 ? 2 : end + HEADERS_END.length);
        state = 'part';
        return true;
      }
      case 'epilogue':
        // Whatever follows the closing delimiter is read (counted) and ignored.
        buf = Buffer.alloc(0);
        return false;
    }
  }
}
