import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { sniff } from './sniff.js';
import { buildZip } from './testing/zip-writer.js';

/** Builds a head from pieces placed at offsets, padded with a filler byte to `length`. */
function head(parts: Array<[number, number[] | string | Buffer]>, length = 4096, fill = 0x00): Buffer {
  const b = Buffer.alloc(length, fill);
  for (const [at, data] of parts) {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
    bytes.copy(b, at);
  }
  return b;
}

function noise(length: number, seed = 7): Buffer {
  const b = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = (x >>> 16) & 0xff;
  }
  return b;
}

function box(type: string, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const p = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  const h = Buffer.alloc(8);
  h.writeUInt32BE(8 + p.length, 0);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, p]);
}

function tsPackets(count: number, prefix = 0, startOffset = 0): Buffer {
  const stride = 188 + prefix;
  const b = noise(count * stride + startOffset);
  for (let k = 0; k < count; k++) {
    const at = startOffset + k * stride + prefix;
    if (at < b.length) b[at] = 0x47;
  }
  // Noise must not contain sync bytes on the stride by accident; it does not at these seeds.
  return b;
}

function mp3Frame(): Buffer {
  // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding: 417 bytes.
  const f = noise(417, 3);
  f[0] = 0xff; f[1] = 0xfb; f[2] = 0x90; f[3] = 0x00;
  return f;
}

function adtsFrame(len: number): Buffer {
  const f = noise(len, 5);
  f[0] = 0xff; f[1] = 0xf1; f[2] = 0x50; f[3] = 0x80 | ((len >> 11) & 3); f[4] = (len >> 3) & 0xff; f[5] = ((len & 7) << 5) | 0x1f;
  return f;
}

const avc = Buffer.from([0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1e, 0xd9, 0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80, 0, 0, 0, 1, 0x65, 0x88, 0x84]);
const hevc = Buffer.from([
  0, 0, 0, 1, 0x40, 0x01, 0x0c, 0x01, 0xff, 0xff, 0, 0, 0, 1, 0x42, 0x01, 0x01, 0x01, 0x60,
  0, 0, 0, 1, 0x44, 0x01, 0xc1, 0x72, 0, 0, 0, 1, 0x26, 0x01, 0xaf, 0x09,
]);

const ebmlHeader = (docType: string) => {
  const dt = Buffer.concat([Buffer.from([0x42, 0x82, 0x80 | docType.length]), Buffer.from(docType)]);
  return Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x80 | (dt.length + 4), 0x42, 0x86, 0x81, 0x01]), dt]);
};

const ustar = head([[0, 'evidence/cam1.mp4'], [257, 'ustar\x0000']], 1024);

const CASES: Array<[string, Buffer, string | undefined, string, string, string?]> = [
  ['MP4 ftyp isom', Buffer.concat([box('ftyp', 'isom\0\0\x02\0isomiso2avc1mp41'), noise(200)]), undefined, 'video', 'mp4', 'video/mp4'],
  ['MOV ftyp qt', Buffer.concat([box('ftyp', 'qt  \x20\x05\x03\0qt  '), noise(100)]), undefined, 'video', 'mov', 'video/quicktime'],
  ['QuickTime without ftyp (wide+mdat)', Buffer.concat([box('wide'), Buffer.from([0, 0, 0x10, 0, 0x6d, 0x64, 0x61, 0x74]), noise(100)]), undefined, 'video', 'mov'],
  ['QuickTime starting with moov', Buffer.concat([box('moov', noise(50)), noise(100)]), undefined, 'video', 'mov'],
  ['3GP', box('ftyp', '3gp4\0\0\x02\x003gp4isom'), undefined, 'video', '3gp', 'video/3gpp'],
  ['M4A', box('ftyp', 'M4A \0\0\0\0M4A mp42isom'), undefined, 'audio', 'm4a', 'audio/mp4'],
  ['generic brand with .m4a name', box('ftyp', 'isom\0\0\x02\0isom'), 'song.m4a', 'audio', 'm4a'],
  ['HEIC', box('ftyp', 'heic\0\0\0\0mif1heic'), undefined, 'image', 'heic', 'image/heic'],
  ['AVIF', box('ftyp', 'avif\0\0\0\0avifmif1miaf'), undefined, 'image', 'avif'],
  ['Matroska', Buffer.concat([ebmlHeader('matroska'), noise(100)]), undefined, 'video', 'mkv', 'video/x-matroska'],
  ['WebM', Buffer.concat([ebmlHeader('webm'), noise(100)]), undefined, 'video', 'webm', 'video/webm'],
  ['AVI', head([[0, 'RIFF'], [4, [0x10, 0, 0, 0]], [8, 'AVI LIST']]), undefined, 'video', 'avi', 'video/x-msvideo'],
  ['MPEG-TS', tsPackets(22), undefined, 'video', 'mpeg-ts', 'video/mp2t'],
  ['MPEG-TS starting mid-packet', tsPackets(22, 0, 100), undefined, 'video', 'mpeg-ts'],
  ['M2TS', tsPackets(22, 4), undefined, 'video', 'm2ts'],
  ['short TS (2 packets)', tsPackets(2), undefined, 'video', 'mpeg-ts'],
  ['MPEG-PS (MPEG-2 pack)', head([[0, [0, 0, 1, 0xba, 0x44, 0, 4, 0, 4, 1, 0x01, 0x89, 0xc3, 0xf8, 0, 0, 1, 0xbb]]]), undefined, 'video', 'mpeg-ps', 'video/mpeg'],
  ['MPEG-PS cut mid-stream', Buffer.concat([noise(700, 11), Buffer.from([0, 0, 1, 0xba, 0x44, 0, 4, 0, 4, 1, 0x01, 0x89, 0xc3, 0xf8, 0, 0, 1, 0xe0, 0x07, 0xec]), noise(500, 12)]), undefined, 'video', 'mpeg-ps'],
  ['FLV', head([[0, 'FLV\x01\x05\0\0\0\x09']]), undefined, 'video', 'flv', 'video/x-flv'],
  ['ASF/WMV', head([[0, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c]]]), 'cam.wmv', 'video', 'asf'],
  ['ASF named .wma', head([[0, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c]]]), 'voice.wma', 'audio', 'asf'],
  ['raw H.264 Annex-B', Buffer.concat([avc, noise(300)]), undefined, 'video', 'h264', 'video/h264'],
  ['raw H.264 starting with AUD', Buffer.concat([Buffer.from([0, 0, 0, 1, 0x09, 0xf0]), avc, noise(100)]), undefined, 'video', 'h264'],
  ['raw HEVC Annex-B', Buffer.concat([hevc, noise(300)]), undefined, 'video', 'hevc', 'video/h265'],
  ['raw H.264 cut mid-NAL, named .264', Buffer.concat([noise(50, 9), Buffer.from([0, 0, 1, 0x41, 0x9a]), noise(50, 10), Buffer.from([0, 0, 1, 0x41, 0x9b])]), 'ch01.264', 'video', 'h264'],
  ['Dahua DAV', head([[0, 'DHAV\xfd\0\0\0']]), undefined, 'video', 'dav'],
  ['Hikvision', head([[0, 'IMKH\x01\x01\0\0']]), undefined, 'video', 'hikvision'],
  ['JPEG', head([[0, [0xff, 0xd8, 0xff, 0xe0, 0, 0x10]], [6, 'JFIF']]), undefined, 'image', 'jpeg', 'image/jpeg'],
  ['PNG', head([[0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]]]), undefined, 'image', 'png', 'image/png'],
  ['GIF', head([[0, 'GIF89a']]), undefined, 'image', 'gif'],
  ['BMP', head([[0, 'BM'], [2, [0x36, 0x10, 0, 0]], [10, [0x36, 0, 0, 0]], [14, [40, 0, 0, 0]]]), undefined, 'image', 'bmp'],
  ['TIFF little-endian', head([[0, 'II*\0\x08\0\0\0']]), undefined, 'image', 'tiff'],
  ['TIFF big-endian', head([[0, 'MM\0*\0\0\0\x08']]), undefined, 'image', 'tiff'],
  ['WebP', head([[0, 'RIFF\x24\0\0\0WEBPVP8 ']]), undefined, 'image', 'webp'],
  ['WAV', head([[0, 'RIFF\x24\0\0\0WAVEfmt ']]), undefined, 'audio', 'wav', 'audio/wav'],
  ['MP3 with ID3', head([[0, 'ID3\x04\0\0\0\0\0\x0a']]), undefined, 'audio', 'mp3', 'audio/mpeg'],
  ['MP3 frames without tag', Buffer.concat([mp3Frame(), mp3Frame(), mp3Frame()]), undefined, 'audio', 'mp3'],
  ['AAC ADTS', Buffer.concat([adtsFrame(300), adtsFrame(280), adtsFrame(310)]), undefined, 'audio', 'aac'],
  ['Ogg Vorbis', head([[0, 'OggS\0\x02'], [28, '\x01vorbis']]), undefined, 'audio', 'ogg', 'audio/ogg'],
  ['Ogg Theora', head([[0, 'OggS\0\x02'], [28, '\x80theora']]), undefined, 'video', 'ogg', 'video/ogg'],
  ['FLAC', head([[0, 'fLaC\0\0\0\x22']]), undefined, 'audio', 'flac'],
  ['PDF', head([[0, '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n']]), undefined, 'document', 'pdf', 'application/pdf'],
  ['RTF', Buffer.from('{\\rtf1\\ansi\\ansicpg1251 Протокол}'), undefined, 'document', 'rtf'],
  ['legacy Office (OLE)', head([[0, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]]]), undefined, 'document', 'ole-compound'],
  ['UTF-8 text', Buffer.from('Акт осмотра камеры №3\nДата: 01.06.2023\n'.repeat(200)), undefined, 'document', 'text', 'text/plain; charset=utf-8'],
  ['cp1251 text', iconv.encode('Акт осмотра камеры №3\r\nДата: 01.06.2023\r\n'.repeat(10), 'cp1251'), undefined, 'document', 'text', 'text/plain; charset=windows-1251'],
  ['UTF-16 text with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Журнал', 'utf16le')]), undefined, 'document', 'text'],
  ['RAR 5', head([[0, 'Rar!\x1a\x07\x01\0']]), undefined, 'archive', 'rar'],
  ['RAR 4', head([[0, 'Rar!\x1a\x07\0']]), undefined, 'archive', 'rar'],
  ['7z', head([[0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]]]), undefined, 'archive', '7z'],
  ['gzip', head([[0, [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0]]]), undefined, 'archive', 'gzip', 'application/gzip'],
  ['bzip2', head([[0, 'BZh91AY&SY']]), undefined, 'archive', 'bzip2'],
  ['xz', head([[0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 4]]]), undefined, 'archive', 'xz'],
  ['tar (ustar)', ustar, undefined, 'archive', 'tar', 'application/x-tar'],
  ['unknown binary', noise(4096, 42), 'cam1.mp4', 'other', 'unknown'],
  ['text that starts like a QuickTime box', Buffer.from('The free space in cell 4 was measured.\n'), undefined, 'document', 'text'],
  ['short text with G on the TS stride', Buffer.from(('G' + 'x'.repeat(187)).repeat(2) + 'G end'), undefined, 'document', 'text'],
];

for (const [label, bytes, name, kind, format, mime] of CASES) {
  test(`sniff: ${label}`, () => {
    const r = sniff(bytes, name);
    assert.equal(r.kind, kind, JSON.stringify(r));
    assert.equal(r.format, format, JSON.stringify(r));
    if (mime) assert.equal(r.mime, mime);
  });
}

test('sniff: empty input', () => {
  assert.deepEqual(sniff(new Uint8Array(0)), { kind: 'other', format: 'empty' });
});

test('sniff: extension does not override clear magic bytes', () => {
  // A DVR "mp4" that is really an MPEG program stream, and a PNG named .avi.
  assert.equal(sniff(head([[0, [0, 0, 1, 0xba, 0x44, 0, 4, 0, 4, 1, 0x01, 0x89, 0xc3, 0xf8]]]), 'ch1.mp4').format, 'mpeg-ps');
  assert.equal(sniff(head([[0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]]]), 'clip.avi').format, 'png');
  // Without start codes, a .264 name alone does not make noise into video.
  assert.equal(sniff(noise(4096, 8), 'x.264').format, 'unknown');
});

test('sniff: zip, OOXML and ODF are told apart by their first member', () => {
  const zip = buildZip([{ name: 'cam1/video.mp4', data: Buffer.from('x') }]);
  assert.deepEqual(sniff(zip), { kind: 'archive', format: 'zip', mime: 'application/zip' });
  const docx = buildZip([
    { name: '[Content_Types].xml', data: Buffer.from('<Types/>'), method: 'deflate' },
    { name: '_rels/.rels', data: Buffer.from('<Relationships/>') },
    { name: 'word/document.xml', data: Buffer.from('<w:document/>') },
  ]);
  assert.equal(sniff(docx).format, 'docx');
  assert.equal(sniff(docx).kind, 'document');
  const xlsx = buildZip([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }, { name: 'xl/workbook.xml', data: Buffer.from('<w/>') }]);
  assert.equal(sniff(xlsx).format, 'xlsx');
  const odt = buildZip([{ name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.text') }, { name: 'content.xml', data: deflateRawSync('<x/>') }]);
  assert.deepEqual(sniff(odt), { kind: 'document', format: 'odt', mime: 'application/vnd.oasis.opendocument.text' });
  const empty = buildZip([]);
  assert.equal(sniff(empty).format, 'zip');
});

test('sniff: the same bytes as a complete short file vs a cut head', () => {
  // "абв" in UTF-8 cut after the first byte of "в": a complete file is not UTF-8, a cut head is.
  const cut = Buffer.from('абв', 'utf8').subarray(0, 5);
  const long = Buffer.concat([Buffer.from('x'.repeat(4096)), cut]);
  assert.equal(sniff(long).format, 'text');
});

function ffmpegAvailable(): boolean {
  const r = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  return r.status === 0;
}

test('sniff: real files generated by ffmpeg (skipped when ffmpeg is absent)', (t) => {
  if (!ffmpegAvailable()) {
    t.skip('ffmpeg not installed');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'acquire-sniff-'));
  try {
    const cases: Array<[string, string[], string]> = [
      ['out.mp4', ['-c:v', 'libx264'], 'mp4'],
      ['out.mkv', ['-c:v', 'libx264'], 'mkv'],
      ['out.webm', ['-c:v', 'libvpx'], 'webm'],
      ['out.avi', ['-c:v', 'mpeg4'], 'avi'],
      ['out.ts', ['-c:v', 'libx264'], 'mpeg-ts'],
      ['out.mpg', ['-c:v', 'mpeg2video', '-f', 'vob'], 'mpeg-ps'],
      ['out.flv', ['-c:v', 'flv'], 'flv'],
      ['out.h264', ['-c:v', 'libx264', '-f', 'h264'], 'h264'],
      ['out.hevc', ['-c:v', 'libx265', '-f', 'hevc'], 'hevc'],
      ['out.jpg', ['-frames:v', '1'], 'jpeg'],
      ['out.png', ['-frames:v', '1'], 'png'],
    ];
    let produced = 0;
    for (const [file, args, format] of cases) {
      const out = join(dir, file);
      const r = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5:duration=1', ...args, '-y', out]);
      if (r.status !== 0) continue; // encoder not built into this ffmpeg
      produced++;
      // Sniff without the name so only the bytes decide.
      const data = readFileSync(out).subarray(0, 4096);
      assert.equal(sniff(data).format, format, `${file}: ${JSON.stringify(sniff(data))}`);
    }
    assert.ok(produced > 0, 'ffmpeg produced no files');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
