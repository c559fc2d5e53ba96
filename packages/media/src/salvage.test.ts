import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateMediaTools, type MediaTools } from './media-tools.js';
import { probe } from './probe.js';
import { salvage, type SalvageResult } from './salvage.js';
import { boxOrder, hasEncoder, makeMediaFixture, makeTruncatedMp4Pair, type TruncatedMp4Pair } from './testing/media-fixtures.js';

let tools: MediaTools;
let dir: string;
let pair: TruncatedMp4Pair;

before(async () => {
  tools = await locateMediaTools();
  dir = mkdtempSync(join(tmpdir(), 'custodia-media-salvage-'));
  pair = await makeTruncatedMp4Pair(tools, dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

async function salvageAndCheck(input: string, output: string, reference?: string): Promise<SalvageResult> {
  const before = sha(input);
  const p = await probe(tools, input);
  const r = await salvage(tools, input, output, { probe: p, reference });
  assert.equal(sha(input), before, 'the original is never modified');
  assert.ok(!readdirSync(dir).some((n) => n.includes('.partial-')), 'no temporary files left');
  if (r.ok) {
    const out = await probe(tools, output);
    assert.equal(out.status, 'ok');
    assert.ok(out.durationSec! > 0);
    assert.ok(Math.abs(out.durationSec! - r.recoveredSec) < 0.05);
    const order = await boxOrder(output);
    assert.ok(order.indexOf('moov') < order.indexOf('mdat'), order.join(','));
  } else {
    assert.ok(!existsSync(output));
  }
  return r;
}

test('MP4 cut to 60% before its index: rebuilt from a reference of the same camera, ≥ 50% of the seconds', async () => {
  const output = join(dir, 'rebuilt.mp4');
  const r = await salvageAndCheck(pair.truncated, output, pair.reference);
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.method, 'untrunc+remux');
  assert.ok(r.recoveredSec >= 0.5 * pair.originalDurationSec, `recovered ${r.recoveredSec} s of ${pair.originalDurationSec}`);
  assert.match(r.detail, /codec parameters from the reference/);
  assert.match(r.detail, /non-video data \(interleaved audio or damage\) skipped/);
  const out = await probe(tools, output);
  assert.equal(out.video?.codec, 'h264');
  assert.deepEqual([out.video?.width, out.video?.height], [320, 240]);
});

test('without a reference: fails clearly, asking for a healthy file from the same camera', async () => {
  const r = await salvageAndCheck(pair.truncated, join(dir, 'no-ref.mp4'));
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /healthy file from the same camera/);
});

test('a reference that is not a healthy H.264/HEVC MP4 is refused', async () => {
  const text = await makeMediaFixture(tools, 'text-as-mp4', dir);
  const r = await salvageAndCheck(pair.truncated, join(dir, 'bad-ref.mp4'), text);
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /reference file cannot serve/);
});

test('B-frames: rebuilt and re-encoded (a raw stream does not record display order)', async () => {
  const b = await makeTruncatedMp4Pair(tools, dir, { bFrames: true });
  const r = await salvageAndCheck(b.truncated, join(dir, 'rebuilt-b.mp4'), b.reference);
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.method, 'untrunc+reencode');
  assert.ok(r.recoveredSec >= 0.5 * b.originalDurationSec);
});

test('in-band parameter sets: no reference needed', async () => {
  const inBand = await makeTruncatedMp4Pair(tools, dir, { inBandParameterSets: true });
  const r = await salvageAndCheck(inBand.truncated, join(dir, 'rebuilt-inband.mp4'));
  assert.ok(r.ok, JSON.stringify(r));
  assert.match(r.detail, /codec parameters found inside the stream/);
  assert.ok(r.recoveredSec >= 0.5 * inBand.originalDurationSec);
});

test('HEVC MP4 cut before its index: rebuilt from an hvcC reference, stream-copied (hvc1)', async (t) => {
  if (!(await hasEncoder(tools, 'libx265'))) return t.skip('this ffmpeg has no libx265');
  const h = await makeTruncatedMp4Pair(tools, dir, { codec: 'hevc' });
  const output = join(dir, 'rebuilt-hevc.mp4');
  const r = await salvageAndCheck(h.truncated, output, h.reference);
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.method, 'untrunc+remux');
  assert.ok(r.recoveredSec >= 0.5 * h.originalDurationSec);
  assert.equal((await probe(tools, output)).video?.codec, 'hevc');
});

test('truncated MKV salvages by remuxing what is there', async () => {
  const mkv = await makeMediaFixture(tools, 'mkv-truncated', dir);
  const r = await salvageAndCheck(mkv, join(dir, 'mkv-salvaged.mp4'));
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.method, 'remux');
  assert.ok(r.recoveredSec > 1.5 && r.recoveredSec < 3.2, String(r.recoveredSec));
  assert.match(r.detail, /incomplete/);
  const out = await probe(tools, join(dir, 'mkv-salvaged.mp4'));
  assert.equal(out.audio?.codec, 'aac');
});

test('index-first MP4 cut off: remuxed up to where the media data ends', async () => {
  const cut = await makeMediaFixture(tools, 'mp4-faststart-truncated', dir);
  const r = await salvageAndCheck(cut, join(dir, 'faststart-salvaged.mp4'));
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.method, 'remux');
  assert.ok(r.recoveredSec > 1.5 && r.recoveredSec < 3.2, String(r.recoveredSec));
});

test('raw H.264 with B-frames is re-encoded rather than copied out of order', async () => {
  const raw = await makeMediaFixture(tools, 'h264-raw', dir);
  const r = await salvageAndCheck(raw, join(dir, 'raw-salvaged.mp4'));
  assert.ok(r.ok);
  assert.equal(r.method, 'reencode');
  assert.ok(Math.abs(r.recoveredSec - 4) < 0.2);
});

test('nothing to salvage: a text file, an empty file', async () => {
  for (const k of ['text-as-mp4', 'empty'] as const) {
    const f = await makeMediaFixture(tools, k, dir);
    const r = await salvageAndCheck(f, join(dir, `${k}.salvaged.mp4`));
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /text|empty/);
  }
});
