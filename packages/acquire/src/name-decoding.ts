// File names arrive as bytes: zip entries carry whatever code page the archiver's locale used, and
// Linux file names are bytes with no declared encoding. The raw bytes are always kept alongside;
// these functions only produce the form shown to people, and say how sure they are about it.
import { crc32 } from 'node:zlib';
import { guessCyrillic } from './cyrillic-heuristic.js';

export type NameEncoding = 'ascii' | 'utf-8' | 'cp866' | 'cp1251' | 'utf-8-extra-field' | 'unknown';

export interface DecodedName {
  display: string;
  encoding: NameEncoding;
  /** True when `display` cannot be turned back into the raw bytes (U+FFFD substitutions). */
  lossy: boolean;
}

export interface NameHints {
  /** Zip general purpose flag bit 11 (0x800): the archiver declares the name to be UTF-8. */
  utf8Flag?: boolean;
  /**
   * Data of an Info-ZIP Unicode Path extra field (header id 0x7075): version byte, CRC-32 of the
   * raw name, UTF-8 name. Used only when the version is 1 and the CRC matches the raw name, as
   * the field's specification requires (a mismatch means the name was changed after the field
   * was written, so the field describes some other name).
   */
  unicodeExtra?: Uint8Array;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return undefined;
  }
}

// Control characters in a displayed name can forge log lines or hide parts of the name on a
// terminal; they are shown as U+FFFD (and the name marked lossy) while the raw bytes stay exact.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

function finish(text: string, encoding: NameEncoding, lossy: boolean): DecodedName {
  const display = text.replace(CONTROLS, '\ufffd');
  return { display, encoding, lossy: lossy || display !== text || display.includes('\ufffd') };
}

function isAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return false;
  return true;
}

/** Reads the UTF-8 name out of a 0x7075 extra field, or undefined if the field must be ignored. */
function unicodePathFromExtra(raw: Uint8Array, extra: Uint8Array): string | undefined {
  if (extra.length < 6 || extra[0] !== 1) return undefined;
  const view = Buffer.from(extra.buffer, extra.byteOffset, extra.byteLength);
  if (view.readUInt32LE(1) !== crc32(raw)) return undefined;
  return decodeUtf8Strict(view.subarray(5));
}

// Blocks a real file name is almost never written in: C1 controls, arrows, mathematical and
// technical symbols, box drawing, dingbats, Mongolian, private use. A byte string that happens to
// be valid UTF-8 but decodes only to these (e.g. cp866 "тип" = E2 A8 AF = U+2A2F "⨯") is far more
// likely a legacy Cyrillic name. CJK and other scripts are not listed: real names use them.
const IMPLAUSIBLE_UTF8 = /[\u0080-\u009f\u1800-\u18af\u2190-\u2bff\ue000-\uf8ff]/;

function utf8LooksImplausible(text: string): boolean {
  for (const ch of text) {
    if ((ch.codePointAt(0) ?? 0) < 0x80) continue;
    if (!IMPLAUSIBLE_UTF8.test(ch)) return false;
  }
  return true;
}

export function decodeName(raw: Uint8Array, hints: NameHints = {}): DecodedName {
  if (hints.unicodeExtra) {
    const fromExtra = unicodePathFromExtra(raw, hints.unicodeExtra);
    if (fromExtra !== undefined) return finish(fromExtra, 'utf-8-extra-field', false);
  }
  if (isAscii(raw)) return finish(Buffer.from(raw).toString('latin1'), 'ascii', false);
  const utf8 = decodeUtf8Strict(raw);
  if (utf8 !== undefined) {
    // The flag is the archiver's explicit statement, so it is believed even for odd scripts.
    if (hints.utf8Flag || !utf8LooksImplausible(utf8)) return finish(utf8, 'utf-8', false);
    const legacy = guessCyrillic(raw);
    if (legacy && legacy.bad === 0 && legacy.letters >= 2) return finish(legacy.text, legacy.encoding, false);
    return finish(utf8, 'utf-8', false);
  }
  // A set UTF-8 flag on bytes that are not UTF-8 is a lying archiver (seen with Russian-locale
  // tools), so the flag is ignored and the bytes are judged like any other legacy name.
  const legacy = guessCyrillic(raw);
  if (legacy) return finish(legacy.text, legacy.encoding, false);
  return finish(Buffer.from(raw).toString('utf8'), 'unknown', true);
}

/**
 * Display form of a filesystem path given as bytes. Each component is decoded on its own: a
 * directory made by a DVR and files copied in later by a person's computer can differ in encoding.
 * 0x2F is '/' in UTF-8, cp866 and cp1251 alike, so splitting on it is safe before decoding.
 */
export function displayPath(raw: Uint8Array): string {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i <= raw.length; i++) {
    if (i === raw.length || raw[i] === 0x2f) {
      const part = raw.subarray(start, i);
      parts.push(part.length === 0 ? '' : decodeName(part).display);
      start = i + 1;
    }
  }
  return parts.join('/');
}
