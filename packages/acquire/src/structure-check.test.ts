import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkStructure } from './structure-check.js';
import { makeTempDir } from './testing/temp-dir.js';
import { buildZip } from './testing/zip-writer.js';

function box(type: string, payloadLength: number, declared?: number): Buffer {
  const b = Buffer.alloc(8 + payloadLength, 0x11);
  b.writeUInt32BE(declared ?? 8 + payloadLength, 0);
  b.write(type, 4, 'latin1');
  return b;
}

function largeBox(type: string, payloadLength: number, declared: bigint): Buffer {
  const b = Buffer.alloc(16 + payloadLength, 0x22);
  b.writeUInt32BE(1, 0);
  b.write(type, 4, 'latin1');
  b.writeBigUInt64BE(declared, 8);
  return b;
}

const ftyp = box('ftyp', 24); // 32 bytes

async function check(bytes: Buffer, format: string) {
  const { dir, cleanup } = makeTempDir('structure');
  try {
    const p = join(dir, 'f');
    writeFileSync(p, bytes);
    return await checkStructure(p, format);
  } finally {
    cleanup();
  }
}

test('mp4: complete file with moov is ok', async () => {
  assert.deepEqual(await check(Buffer.concat([ftyp, box('moov', 100), box('mdat', 1000)]), 'mp4'), { status: 'ok' });
});

test('mp4: moov after mdat (camera order) is ok, including a final size-0 box', async () => {
  const mdatToEnd = box('mdat', 500, 0);
  assert.deepEqual(await check(Buffer.concat([ftyp, box('moov', 50), box('free', 8), mdatToEnd]), 'mov'), { status: 'ok' });
});

test('mp4: mdat running past the end of the file is truncated, with offsets', async () => {
  const bytes = Buffer.concat([ftyp, box('free', 8), box('mdat', 2000123 - 48 - 8, 5000000)]);
  assert.equal(bytes.length, 2000123);
  const r = await check(bytes, 'mp4');
  assert.equal(r.status, 'truncated');
  assert.match(r.reason ?? '', /^box 'mdat' at offset 48 declares 5000000 bytes but the file ends after 2000123/);
  assert.match(r.reason ?? '', /no 'moov'/);
});

test('mp4: 64-bit largesize beyond the end is truncated, huge values do not allocate', async () => {
  const r = await check(Buffer.concat([ftyp, box('moov', 20), largeBox('mdat', 100, 0x7fffffffffffffffn)]), 'mp4');
  assert.deepEqual(r, {
    status: 'truncated',
    reason: "box 'mdat' at offset 60 declares 9223372036854775807 bytes but the file ends after 176",
  });
});

test('mp4: 64-bit largesize inside the file is followed', async () => {
  const r = await check(Buffer.concat([ftyp, largeBox('mdat', 84, 100n), box('moov', 10)]), 'mp4');
  assert.deepEqual(r, { status: 'ok' });
});

test('mp4: box size smaller than its header is corrupt (no infinite loop)', async () => {
  const bytes = Buffer.concat([ftyp, box('moov', 992 - 8), box('mdat', 20, 3)]);
  assert.deepEqual(await check(bytes, 'mp4'), { status: 'corrupt', reason: 'box size 3 at offset 1024 is smaller than its header' });
  const large = Buffer.concat([ftyp, largeBox('mdat', 10, 8n)]);
  assert.deepEqual(await check(large, 'mp4'), { status: 'corrupt', reason: 'box size 8 at offset 32 is smaller than its header' });
});

test('mp4: missing moov is reported as a missing index', async () => {
  assert.deepEqual(await check(Buffer.concat([ftyp, box('mdat', 1000)]), 'mp4'), {
    status: 'truncated',
    reason: "no 'moov' box (index missing; the recording may be salvageable)",
  });
});

test('mp4: zero-filled tail (preallocated copy) and garbage box types', async () => {
  const zero = await check(Buffer.concat([ftyp, box('moov', 10), Buffer.alloc(4096)]), 'mp4');
  assert.equal(zero.status, 'truncated');
  assert.match(zero.reason ?? '', /zero bytes instead of a box header at offset 50/);
  const junk = Buffer.concat([ftyp, Buffer.from([0, 0, 0, 16, 0xde, 0xad, 0xbe, 0xef]), Buffer.alloc(8)]);
  assert.deepEqual(await check(junk, 'mp4'), { status: 'corrupt', reason: 'box at offset 32 has an invalid type 0xdeadbeef' });
});

test('mp4: trailing bytes too short for a header', async () => {
  const r = await check(Buffer.concat([ftyp, box('moov', 10), Buffer.from([1, 2, 3])]), 'mp4');
  assert.deepEqual(r, { status: 'truncated', reason: 'only 3 bytes remain at offset 50, too few for a box header' });
});

test('heic: no moov needed', async () => {
  assert.deepEqual(await check(Buffer.concat([ftyp, box('meta', 40), box('mdat', 100)]), 'heic'), { status: 'ok' });
});

test('mp4: many small boxes are walked without trouble', async () => {
  const many = Buffer.concat([ftyp, box('moov', 8), ...Array.from({ length: 5000 }, () => box('free', 0))]);
  assert.deepEqual(await check(many, 'mp4'), { status: 'ok' });
});

test('zip: intact archive is ok; cut archive has no end record', async () => {
  const zip = buildZip([{ name: 'a.mp4', data: Buffer.alloc(5000, 1) }, { name: 'b.mp4', data: Buffer.alloc(100, 2) }]);
  assert.deepEqual(await check(zip, 'zip'), { status: 'ok' });
  assert.deepEqual(await check(zip.subarray(0, zip.length - 30), 'zip'), {
    status: 'truncated',
    reason: 'no end of central directory record (archive cut off?)',
  });
  assert.deepEqual(await check(zip.subarray(0, 3000), 'docx'), {
    status: 'truncated',
    reason: 'no end of central directory record (archive cut off?)',
  });
});

test('zip: comment and zip64 end records are understood', async () => {
  const withComment = buildZip([{ name: 'a', data: Buffer.from('x') }], { comment: Buffer.from('exported by DVR') });
  assert.deepEqual(await check(withComment, 'zip'), { status: 'ok' });
  const z64 = buildZip([{ name: 'a', data: Buffer.from('x'), zip64: true }], { zip64Eocd: true });
  assert.deepEqual(await check(z64, 'zip'), { status: 'ok' });
});

test('zip: central directory pointing past its end record is corrupt', async () => {
  const zip = buildZip([{ name: 'a', data: Buffer.from('x') }]);
  zip.writeUInt32LE(zip.length, zip.length - 6); // central directory offset
  const r = await check(zip, 'zip');
  assert.equal(r.status, 'corrupt');
  assert.match(r.reason ?? '', /central directory \(offset \d+, \d+ bytes\) overlaps the end of central directory record/);
});

test('avi: RIFF size beyond the file is truncated; streaming sizes are not judged', async () => {
  const avi = Buffer.alloc(1000);
  avi.write('RIFF', 0, 'latin1');
  avi.writeUInt32LE(50000, 4);
  avi.write('AVI LIST', 8, 'latin1');
  assert.deepEqual(await check(avi, 'avi'), { status: 'truncated', reason: 'RIFF header declares 50008 bytes but the file ends after 1000' });
  avi.writeUInt32LE(992, 4);
  assert.deepEqual(await check(avi, 'avi'), { status: 'ok' });
  avi.writeUInt32LE(0, 4);
  assert.deepEqual(await check(avi, 'avi'), { status: 'ok' });
});

test('other formats are ok without reading', async () => {
  assert.deepEqual(await checkStructure('/nonexistent/never-opened', 'mpeg-ts'), { status: 'ok' });
});
