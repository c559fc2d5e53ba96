// Containers recognised by a header near the start of the file: ISO base media (MP4/MOV/3GP/HEIF),
// EBML (Matroska/WebM), RIFF (AVI/WAV/WebP), Ogg, and zip-based document formats.
import type { Bytes } from './sniff-bytes.js';

export interface Match {
  kind: 'video' | 'image' | 'audio' | 'document' | 'archive' | 'other';
  format: string;
}

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);
const AUDIO_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ', 'F4A ', 'F4B ']);
// Top-level boxes that old QuickTime files (and some DVRs) start with instead of 'ftyp'.
const QT_FIRST_BOXES = new Set(['moov', 'mdat', 'free', 'wide', 'skip', 'pnot']);

export function sniffIsoBmff(h: Bytes, ext: string): Match | undefined {
  const size = h.u32be(0);
  const type = h.ascii(4, 4);
  if (type === 'ftyp') {
    if (size !== 0 && size !== 1 && size < 16) return undefined;
    const major = h.ascii(8, 4);
    const brands = [major];
    const end = Math.min(size === 0 || size === 1 ? h.length : size, h.length, 512);
    for (let i = 16; i + 4 <= end; i += 4) brands.push(h.ascii(i, 4));
    if (brands.some((b) => AVIF_BRANDS.has(b)) && (AVIF_BRANDS.has(major) || major === 'mif1')) {
      return { kind: 'image', format: 'avif' };
    }
    if (HEIF_BRANDS.has(major)) return { kind: 'image', format: 'heic' };
    if (major === 'qt  ') return { kind: 'video', format: 'mov' };
    if (major.startsWith('3g2')) return { kind: 'video', format: '3g2' };
    if (/^3g[pegrs]/.test(major)) return { kind: 'video', format: '3gp' };
    if (AUDIO_BRANDS.has(major)) return { kind: 'audio', format: 'm4a' };
    // Generic brands (isom, mp42, …) say nothing about audio vs video; the name may.
    if (ext === 'm4a') return { kind: 'audio', format: 'm4a' };
    return { kind: 'video', format: 'mp4' };
  }
  // Text such as "The free…" would otherwise pass for a box; real box sizes below 512 MiB always
  // contain a byte outside printable ASCII.
  const sizeLooksLikeText = /^[\x20-\x7e]{4}$/.test(h.ascii(0, 4));
  if (QT_FIRST_BOXES.has(type) && (size === 0 || size === 1 || (size >= 8 && !sizeLooksLikeText))) {
    return { kind: 'video', format: 'mov' };
  }
  return undefined;
}

/** Reads an EBML variable-length integer; returns [value, length] or undefined. */
function vint(h: Bytes, i: number): [number, number] | undefined {
  const first = h.at(i);
  if (first <= 0) return undefined;
  let len = 1;
  while (len <= 8 && !(first & (0x80 >> (len - 1)))) len++;
  if (len > 8) return undefined;
  let value = first & (0xff >> len);
  for (let k = 1; k < len; k++) {
    const b = h.at(i + k);
    if (b < 0) return undefined;
    value = value * 256 + b;
  }
  return [value, len];
}

export function sniffEbml(h: Bytes): Match | undefined {
  if (!h.startsWith(0, [0x1a, 0x45, 0xdf, 0xa3])) return undefined;
  const headerSize = vint(h, 4);
  const end = headerSize ? Math.min(4 + headerSize[1] + headerSize[0], h.length, 256) : Math.min(h.length, 64);
  // DocType element (ID 0x4282) inside the EBML header.
  for (let i = 4; i + 3 < end; i++) {
    if (h.at(i) !== 0x42 || h.at(i + 1) !== 0x82) continue;
    const len = vint(h, i + 2);
    if (!len || len[0] > 32) continue;
    const docType = h.ascii(i + 2 + len[1], len[0]).replace(/\0+$/, '');
    if (docType === 'webm') return { kind: 'video', format: 'webm' };
    if (docType === 'matroska') return { kind: 'video', format: 'mkv' };
  }
  return { kind: 'video', format: 'mkv' };
}

export function sniffRiff(h: Bytes, ext: string): Match | undefined {
  const id = h.ascii(0, 4);
  if (id !== 'RIFF' && id !== 'RF64' && id !== 'RIFX') return undefined;
  const form = h.ascii(8, 4);
  if (form === 'AVI ' || form === 'AVIX') return { kind: 'video', format: 'avi' };
  if (form === 'WAVE') return { kind: 'audio', format: 'wav' };
  if (form === 'WEBP') return { kind: 'image', format: 'webp' };
  // Video CD files: MPEG program stream wrapped in RIFF.
  if (form === 'CDXA') return { kind: 'video', format: 'mpeg-ps' };
  return ext === 'avi' ? { kind: 'video', format: 'avi' } : { kind: 'other', format: 'riff' };
}

export function sniffOgg(h: Bytes, ext: string): Match | undefined {
  if (h.ascii(0, 4) !== 'OggS') return undefined;
  // The first page holds the identification header of the first logical stream.
  if (h.includes('\x80theora', 0, 256) || h.includes('fishead', 0, 64) || h.includes('\x01video', 0, 256)) {
    return { kind: 'video', format: 'ogg' };
  }
  if (ext === 'ogv') return { kind: 'video', format: 'ogg' };
  return { kind: 'audio', format: 'ogg' };
}

const ODF_TYPES: Record<string, string> = {
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.presentation': 'odp',
  'application/vnd.oasis.opendocument.graphics': 'odg',
  'application/epub+zip': 'epub',
};

/** PK\3\4 at offset 0: a zip, unless the first member marks it as an office document. */
export function sniffZipFamily(h: Bytes): Match | undefined {
  if (h.startsWith(0, [0x50, 0x4b, 0x05, 0x06]) || h.startsWith(0, [0x50, 0x4b, 0x07, 0x08])) {
    return { kind: 'archive', format: 'zip' };
  }
  if (!h.startsWith(0, [0x50, 0x4b, 0x03, 0x04])) return undefined;
  const nameLen = h.u16le(26);
  const extraLen = h.u16le(28);
  const first = nameLen > 0 ? h.ascii(30, nameLen) : '';
  if (first === 'mimetype') {
    const dataStart = 30 + nameLen + Math.max(extraLen, 0);
    const mimetype = h.ascii(dataStart, Math.max(0, Math.min(h.u32le(18), 80)));
    const odf = ODF_TYPES[mimetype];
    if (odf) return { kind: 'document', format: odf };
  }
  if (first === '[Content_Types].xml' || first === '_rels/.rels' || first.startsWith('docProps/') ||
      /^(word|xl|ppt)\//.test(first)) {
    // The main part's folder name shows up in a later local header or in [Content_Types].xml.
    const text = h.b.toString('latin1');
    if (first.startsWith('word/') || text.includes('word/')) return { kind: 'document', format: 'docx' };
    if (first.startsWith('xl/') || text.includes('xl/')) return { kind: 'document', format: 'xlsx' };
    if (first.startsWith('ppt/') || text.includes('ppt/')) return { kind: 'document', format: 'pptx' };
    return { kind: 'document', format: 'ooxml' };
  }
  return { kind: 'archive', format: 'zip' };
}
