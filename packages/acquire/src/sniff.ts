// What a file is, judged by its bytes. Evidence files arrive renamed, with wrong or missing
// extensions (DVR exports named ".mp4" that are really MPEG-PS, "video.dat" that is a transport
// stream), so the name is consulted only where the bytes are ambiguous.
import { guessCyrillic } from './cyrillic-heuristic.js';
import { Bytes, extensionOf } from './sniff-bytes.js';
import { type Match, sniffEbml, sniffIsoBmff, sniffOgg, sniffRiff, sniffZipFamily } from './sniff-containers.js';
import { sniffAnnexB, sniffMpegAudio, sniffProgramStream, sniffTransportStream } from './sniff-streams.js';

export type FileKind = 'video' | 'image' | 'audio' | 'document' | 'archive' | 'other';

export interface SniffResult {
  kind: FileKind;
  /** Short format identifier, e.g. 'mp4', 'mpeg-ts', 'h264', 'dav', 'zip'; 'unknown' or 'empty' for other. */
  format: string;
  mime?: string;
}

const MIME: Record<string, string> = {
  mp4: 'video/mp4', mov: 'video/quicktime', '3gp': 'video/3gpp', '3g2': 'video/3gpp2', m4a: 'audio/mp4',
  mkv: 'video/x-matroska', webm: 'video/webm', avi: 'video/x-msvideo', 'mpeg-ts': 'video/mp2t',
  m2ts: 'video/mp2t', 'mpeg-ps': 'video/mpeg', 'mpeg-video': 'video/mpeg', flv: 'video/x-flv',
  asf: 'video/x-ms-asf', h264: 'video/h264', hevc: 'video/h265',
  jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', bmp: 'image/bmp', tiff: 'image/tiff',
  webp: 'image/webp', heic: 'image/heic', avif: 'image/avif',
  wav: 'audio/wav', mp3: 'audio/mpeg', aac: 'audio/aac', flac: 'audio/flac', amr: 'audio/amr',
  pdf: 'application/pdf', rtf: 'application/rtf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text', ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation', odg: 'application/vnd.oasis.opendocument.graphics',
  epub: 'application/epub+zip', 'ole-compound': 'application/x-ole-storage',
  zip: 'application/zip', rar: 'application/vnd.rar', '7z': 'application/x-7z-compressed',
  gzip: 'application/gzip', bzip2: 'application/x-bzip2', xz: 'application/x-xz', tar: 'application/x-tar',
};

const ASF_GUID = [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c];

function sniffMagic(h: Bytes, ext: string): Match | undefined {
  const a4 = h.ascii(0, 4);
  // Surveillance vendors' own containers.
  if (a4 === 'DHAV') return { kind: 'video', format: 'dav' };
  if (a4 === 'IMKH') return { kind: 'video', format: 'hikvision' };

  const iso = sniffIsoBmff(h, ext);
  if (iso) return iso;
  const ebml = sniffEbml(h);
  if (ebml) return ebml;
  const riff = sniffRiff(h, ext);
  if (riff) return riff;
  if (h.ascii(0, 3) === 'FLV' && h.at(3) === 1) return { kind: 'video', format: 'flv' };
  if (h.startsWith(0, ASF_GUID)) {
    return ext === 'wma' ? { kind: 'audio', format: 'asf' } : { kind: 'video', format: 'asf' };
  }

  if (h.startsWith(0, [0xff, 0xd8, 0xff])) return { kind: 'image', format: 'jpeg' };
  if (h.startsWith(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'image', format: 'png' };
  if (h.ascii(0, 6) === 'GIF87a' || h.ascii(0, 6) === 'GIF89a') return { kind: 'image', format: 'gif' };
  if (a4 === 'II*\0' || a4 === 'MM\0*' || a4 === 'II+\0' || a4 === 'MM\0+') return { kind: 'image', format: 'tiff' };
  if (h.ascii(0, 2) === 'BM' && h.u32le(6) === 0 && [12, 40, 52, 56, 64, 108, 124].includes(h.u32le(14))) {
    return { kind: 'image', format: 'bmp' };
  }

  const ogg = sniffOgg(h, ext);
  if (ogg) return ogg;
  if (a4 === 'fLaC') return { kind: 'audio', format: 'flac' };
  if (h.ascii(0, 5) === '#!AMR') return { kind: 'audio', format: 'amr' };

  if (h.ascii(0, 5) === '%PDF-') return { kind: 'document', format: 'pdf' };
  if (h.ascii(0, 5) === '{\\rtf') return { kind: 'document', format: 'rtf' };
  if (h.startsWith(0, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { kind: 'document', format: 'ole-compound' };

  const zip = sniffZipFamily(h);
  if (zip) return zip;
  if (h.ascii(0, 6) === 'Rar!\x1a\x07') return { kind: 'archive', format: 'rar' };
  if (h.startsWith(0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return { kind: 'archive', format: '7z' };
  if (h.startsWith(0, [0x1f, 0x8b, 0x08])) return { kind: 'archive', format: 'gzip' };
  if (h.ascii(0, 3) === 'BZh' && h.at(3) >= 0x31 && h.at(3) <= 0x39) return { kind: 'archive', format: 'bzip2' };
  if (h.startsWith(0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return { kind: 'archive', format: 'xz' };
  if (h.ascii(257, 5) === 'ustar') return { kind: 'archive', format: 'tar' };
  // Late PDF headers (the format allows junk before %PDF within the first kilobyte).
  if (h.includes('%PDF-', 0, 1024)) return { kind: 'document', format: 'pdf' };
  return undefined;
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });

function isAllowedControl(b: number): boolean {
  return b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0c || b === 0x1b;
}

/** Plain text: UTF-8 (or UTF-16 with a BOM, or Russian legacy text) without binary control bytes. */
function sniffText(h: Bytes, complete: boolean): SniffResult | undefined {
  if (h.startsWith(0, [0xff, 0xfe]) || h.startsWith(0, [0xfe, 0xff])) {
    const le = h.at(0) === 0xff;
    return { kind: 'document', format: 'text', mime: `text/plain; charset=utf-16${le ? 'le' : 'be'}` };
  }
  let controls = 0;
  for (const b of h.b) {
    if (b === 0) return undefined;
    if ((b < 0x20 && !isAllowedControl(b)) || b === 0x7f) controls++;
  }
  if (controls * 100 > h.length) return undefined;
  // A head cut from a longer file may end inside a multi-byte character.
  for (let trim = 0; trim <= (complete ? 0 : 3) && trim < h.length; trim++) {
    try {
      utf8Fatal.decode(h.b.subarray(0, h.length - trim));
      return { kind: 'document', format: 'text', mime: 'text/plain; charset=utf-8' };
    } catch {
      // try a shorter prefix
    }
  }
  const legacy = guessCyrillic(h.b.subarray(0, h.length - (complete ? 0 : 1)));
  if (legacy && legacy.letters * 4 >= legacy.bad * 100) {
    const charset = legacy.encoding === 'cp1251' ? 'windows-1251' : 'ibm866';
    return { kind: 'document', format: 'text', mime: `text/plain; charset=${charset}` };
  }
  return undefined;
}

/**
 * @param head the first bytes of the file: at least 4096 of them, or the whole file if shorter
 *   (a shorter head is taken to be the complete file).
 * @param nameHint the file name, used only to break ties between byte-level candidates.
 */
export function sniff(head: Uint8Array, nameHint?: string): SniffResult {
  if (head.length === 0) return { kind: 'other', format: 'empty' };
  const h = new Bytes(head);
  const ext = extensionOf(nameHint);
  const match =
    sniffMagic(h, ext) ??
    sniffTransportStream(h, ext) ??
    sniffProgramStream(h) ??
    sniffAnnexB(h, ext) ??
    sniffMpegAudio(h, ext);
  if (match) return withMime(match);
  const text = sniffText(h, head.length < 4096);
  if (text) return text;
  return { kind: 'other', format: 'unknown' };
}

function withMime(m: Match): SniffResult {
  if (m.format === 'ogg') return { ...m, mime: m.kind === 'video' ? 'video/ogg' : 'audio/ogg' };
  if (m.format === 'asf' && m.kind === 'audio') return { ...m, mime: 'audio/x-ms-wma' };
  const mime = MIME[m.format];
  return mime ? { ...m, mime } : { ...m };
}
