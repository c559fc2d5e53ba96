// Hostile-byte tests of the structure readers and the NAL walker, on crafted buffers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { familyOf, inspectFileStructure } from './file-structure.js';
import { childBoxes, listTopLevelBoxes, readBoxHeader } from './iso-bmff.js';
import { h264PpsIds, isPictureStart, isPlausibleNalHeader, parseAvcC, parseHvcC } from './nal-units.js';
import { mdatToAnnexB, NeedReferenceError, walkLengthPrefixedNals } from './untrunc.js';

function box(type: string, payload: Buffer | string = Buffer.alloc(0), size?: number): Buffer {
  const p = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  const h = Buffer.alloc(8);
  h.writeUInt32BE(size ?? 8 + p.length, 0);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, p]);
}

function lp(nal: Buffer, L = 4): Buffer {
  const h = Buffer.alloc(L);
  h.writeUIntBE(nal.length, 0, L);
  return Buffer.concat([h, nal]);
}

function noise(length: number, seed = 11): Buffer {
  const b = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = (x >>> 16) & 0xff;
  }
  return b;
}

// H.264 units: SPS (0x67), PPS (0x68, pps_id 0 → first bit 1), IDR slice (0x65; first_mb 0, slice_type 7, pps 0),
// P slice (0x41; first_mb 0, slice_type 5, pps 0).
const SPS = Buffer.from([0x67, 0x4d, 0x40, 0x1e, 0xe8, 0x82, 0x80]);
const PPS = Buffer.from([0x68, 0xee, 0x3c, 0x80]);
const IDR = Buffer.concat([Buffer.from([0x65, 0x88, 0x84]), noise(300, 3)]);
const P = (n: number): Buffer => Buffer.concat([Buffer.from([0x41, 0x9a, 0x20]), noise(120 + n, n)]);

function avcC(lengthSize = 4): Buffer {
  return Buffer.concat([
    Buffer.from([1, 0x4d, 0x40, 0x1e, 0xfc | (lengthSize - 1), 0xe1]),
    Buffer.from([0, SPS.length]), SPS,
    Buffer.from([1, 0, PPS.length]), PPS,
  ]);
}

function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'custodia-media-untrunc-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('box headers: hostile sizes are refused, not trusted', () => {
  assert.deepEqual(readBoxHeader(box('ftyp', 'isom'), 0, 12), { type: 'ftyp', offset: 0, headerSize: 8, size: 12, truncated: false });
  assert.ok('error' in readBoxHeader(box('mdat', '', 4), 0, 100)); // smaller than its header
  assert.ok('error' in readBoxHeader(Buffer.from([0, 0, 0, 16, 0x01, 0x02, 0x03, 0x04]), 0, 100)); // type not text
  const big = Buffer.alloc(16);
  big.writeUInt32BE(1, 0);
  big.write('mdat', 4, 'latin1');
  big.writeBigUInt64BE(0xffffffffffffffffn, 8);
  assert.ok('error' in readBoxHeader(big, 0, 100)); // 64-bit size beyond any number
  big.writeBigUInt64BE(1000n, 8);
  assert.deepEqual(readBoxHeader(big, 0, 100), { type: 'mdat', offset: 0, headerSize: 16, size: 1000, truncated: true });
  const toEnd = box('mdat', 'abcd', 0);
  assert.deepEqual(readBoxHeader(toEnd, 0, 50), { type: 'mdat', offset: 0, headerSize: 8, size: 50, truncated: false });
  // children stop at the first malformed one
  const kids = Buffer.concat([box('free', 'x'), box('skip', '', 3), box('wide')]);
  assert.deepEqual(childBoxes(kids, 0, kids.length).map((b) => b.type), ['free']);
});

test('file families and truncation hints from the bytes alone', async () => {
  assert.equal(familyOf(Buffer.alloc(0), 0), 'empty');
  assert.equal(familyOf(box('ftyp', 'isom\0\0\0\0'), 16), 'iso-bmff');
  assert.equal(familyOf(Buffer.from('hello, this is text\n'), 20), 'text');
  assert.equal(familyOf(Buffer.from([0, 0, 0, 1, 0x67]), 5), 'annex-b');
  assert.equal(familyOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 4), 'jpeg');
  await withTemp(async (dir) => {
    const mp4 = join(dir, 'cut.mp4');
    writeFileSync(mp4, Buffer.concat([box('ftyp', 'isom\0\0\0\0'), box('mdat', noise(100), 5000)]));
    const s = await inspectFileStructure(mp4);
    assert.equal(s.family, 'iso-bmff');
    assert.ok(s.mdatWithoutMoov);
    assert.match(s.truncatedHint ?? '', /'mdat' box at offset 16 declares 4\.9 KiB but only 108 B are present \(2%\)/);
    assert.match(s.truncatedHint ?? '', /no index \(moov\)/);
    const top = await listTopLevelBoxes(mp4);
    assert.deepEqual(top.boxes.map((b) => [b.type, b.truncated]), [['ftyp', false], ['mdat', true]]);

    // Matroska: EBML header, then a Segment declaring 1000 bytes of which 20 are present.
    const ebml = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x84, 0x42, 0x86, 0x81, 0x01]);
    const seg = Buffer.concat([Buffer.from([0x18, 0x53, 0x80, 0x67, 0x42, 0xe8]), noise(20)]);
    const mkv = join(dir, 'cut.mkv');
    writeFileSync(mkv, Buffer.concat([ebml, seg]));
    assert.match((await inspectFileStructure(mkv)).truncatedHint ?? '', /Matroska segment declares/);
    const riff = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x10, 0x27, 0, 0]), Buffer.from('AVI LIST'), noise(40)]);
    const avi = join(dir, 'cut.avi');
    writeFileSync(avi, riff);
    assert.match((await inspectFileStructure(avi)).truncatedHint ?? '', /RIFF\/AVI header declares/);
  });
});

test('avcC / hvcC parsing, with lengths that lie', () => {
  const c = parseAvcC(avcC());
  assert.equal(c.codec, 'h264');
  assert.equal(c.lengthSize, 4);
  assert.deepEqual(c.parameterSets, [SPS, PPS]);
  assert.deepEqual([...h264PpsIds(c.parameterSets)], [0]);
  assert.equal(parseAvcC(avcC(2)).lengthSize, 2);
  const lying = avcC();
  lying[7] = 200; // SPS length past the end of the record
  assert.throws(() => parseAvcC(lying), /runs past the box/);
  assert.throws(() => parseAvcC(Buffer.from([0, 1, 2])), /not an avcC/);
  assert.throws(() => parseAvcC(avcC(3)), /3-byte/);

  const vps = Buffer.from([0x40, 0x01, 0x0c]);
  const sps = Buffer.from([0x42, 0x01, 0x01]);
  const pps = Buffer.from([0x44, 0x01, 0xc1]);
  const arr = (nal: Buffer): Buffer => Buffer.concat([Buffer.from([(nal[0]! >> 1) & 0x3f, 0, 1, 0, nal.length]), nal]);
  const hvcc = Buffer.concat([Buffer.alloc(21), Buffer.from([0x0f, 3]), arr(vps), arr(sps), arr(pps)]);
  hvcc[0] = 1;
  const h = parseHvcC(hvcc);
  assert.equal(h.codec, 'hevc');
  assert.equal(h.lengthSize, 4);
  assert.equal(h.parameterSets.length, 3);
  const bad = Buffer.from(hvcc);
  bad[22] = 40; // 40 arrays announced
  assert.throws(() => parseHvcC(bad), /past the box/);
});

test('NAL header plausibility and picture starts', () => {
  assert.ok(isPlausibleNalHeader('h264', 0x65, 0x88));
  assert.ok(isPlausibleNalHeader('h264', 0x06, 0x05)); // SEI
  assert.ok(!isPlausibleNalHeader('h264', 0x26, 0)); // SEI with nal_ref_idc ≠ 0
  assert.ok(!isPlausibleNalHeader('h264', 0x05, 0)); // IDR with nal_ref_idc 0
  assert.ok(!isPlausibleNalHeader('h264', 0x80 | 0x65, 0)); // forbidden bit
  assert.ok(!isPlausibleNalHeader('h264', 0x00, 0));
  assert.ok(isPlausibleNalHeader('hevc', 0x26, 0x01)); // IDR_W_RADL
  assert.ok(!isPlausibleNalHeader('hevc', 0x26, 0x00)); // temporal id 0
  assert.ok(!isPlausibleNalHeader('hevc', 0x26, 0x09)); // layer 1
  assert.ok(isPictureStart('h264', IDR));
  assert.ok(isPictureStart('h264', P(1)));
  assert.ok(!isPictureStart('h264', SPS));
  assert.ok(!isPictureStart('h264', Buffer.from([0x65, 0x88, 0x84, 0x00]), new Set([3]))); // unknown PPS id
  assert.ok(!isPictureStart('h264', Buffer.from([0x41, 0x1a, 0x20, 0x00]))); // first_mb ≠ 0: a later slice
  assert.ok(isPictureStart('hevc', Buffer.from([0x26, 0x01, 0xaf, 0x00])));
  assert.ok(!isPictureStart('hevc', Buffer.from([0x26, 0x01, 0x2f, 0x00])));
});

async function walkFile(bytes: Buffer, opts: Parameters<typeof walkLengthPrefixedNals>[6] = {}, L = 4) {
  return withTemp(async (dir) => {
    const f = join(dir, 'mdat.bin');
    writeFileSync(f, bytes);
    const fh = await open(f, 'r');
    const got: Buffer[] = [];
    try {
      const r = await walkLengthPrefixedNals(fh, 0, bytes.length, 'h264', L, async (n) => void got.push(Buffer.from(n)), opts);
      return { r, got };
    } finally {
      await fh.close();
    }
  });
}

test('walker: clean run of units, last one cut off by the end of the file', async () => {
  const units = [IDR, P(1), P(2), P(3)];
  const full = Buffer.concat(units.map((u) => lp(u)));
  const { r, got } = await walkFile(full.subarray(0, full.length - 50));
  assert.equal(r.nalUnits, 3);
  assert.deepEqual(got, units.slice(0, 3));
  assert.match(r.stoppedBecause, /cut off by the end of the file/);
  const two = await walkFile(Buffer.concat([IDR, P(1)].map((u) => lp(u, 2))), {}, 2);
  assert.equal(two.r.nalUnits, 2);
});

test('walker: an implausible length stops it when resync is off', async () => {
  const bytes = Buffer.concat([lp(IDR), lp(P(1)), Buffer.from([0x7f, 0xff, 0xff, 0xff, 0x65, 0x88]), lp(P(2))]);
  const { r } = await walkFile(bytes, { resyncWindow: 0 });
  assert.equal(r.nalUnits, 2);
  assert.match(r.stoppedBecause, /implausible NAL unit length or header at offset/);
  // A length within the file but larger than the limit is refused too.
  const big = await walkFile(Buffer.concat([lp(IDR), Buffer.from([0, 0, 0x10, 0, 0x41, 0x9a]), noise(5000)]), { resyncWindow: 0, maxNalBytes: 1000 });
  assert.equal(big.r.nalUnits, 1);
});

test('walker: interleaved non-video chunks are skipped by resynchronising on a picture start', async () => {
  const audio = noise(213, 99);
  audio[0] = 0xff; // make sure the chunk does not start like a plausible length
  const bytes = Buffer.concat([lp(SPS), lp(PPS), lp(IDR), audio, lp(P(1)), audio, lp(P(2)), lp(P(3))]);
  const { r, got } = await walkFile(bytes, { ppsIds: new Set([0]) });
  assert.equal(r.nalUnits, 6);
  assert.equal(r.bytesSkipped, 2 * audio.length);
  assert.equal(r.parameterSetsInBand, 2);
  assert.deepEqual(got.slice(2), [IDR, P(1), P(2), P(3)]);
});

test('walker: random bytes produce nothing', async () => {
  const { r } = await walkFile(noise(200_000, 5), { resyncWindow: 4096 });
  assert.ok(r.nalUnits <= 1, `${r.nalUnits} units out of noise`);
});

test('mdatToAnnexB: with a configuration; without one it needs in-band parameter sets', async () => {
  await withTemp(async (dir) => {
    const mdatPayload = Buffer.concat([lp(IDR), lp(P(1)), lp(P(2))]);
    const mp4 = join(dir, 'cut.mp4');
    writeFileSync(mp4, Buffer.concat([box('ftyp', 'isom\0\0\0\0'), box('mdat', mdatPayload, 8 + mdatPayload.length + 10000)]));
    const out = join(dir, 'out.h264');
    const r = await mdatToAnnexB(mp4, out, parseAvcC(avcC()));
    assert.equal(r.nalUnits, 3);
    const annexB = readFileSync(out);
    const sc = Buffer.from([0, 0, 0, 1]);
    assert.deepEqual(annexB, Buffer.concat([sc, SPS, sc, PPS, sc, IDR, sc, P(1), sc, P(2)]));
    await assert.rejects(mdatToAnnexB(mp4, join(dir, 'x.h264'), null), NeedReferenceError);
    // In-band SPS/PPS: no configuration needed.
    const inBand = Buffer.concat([lp(SPS), lp(PPS), lp(IDR), lp(P(1))]);
    writeFileSync(mp4, Buffer.concat([box('ftyp', 'isom\0\0\0\0'), box('mdat', inBand, 0)]));
    const r2 = await mdatToAnnexB(mp4, join(dir, 'y.h264'), null);
    assert.equal(r2.codec, 'h264');
    assert.equal(r2.nalUnits, 4);
  });
});
