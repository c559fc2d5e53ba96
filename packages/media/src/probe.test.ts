import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateMediaTools, type MediaTools } from './media-tools.js';
import { probe } from './probe.js';
import { FIXTURE_EXIF, hasEncoder, makeMediaFixture, makeTruncatedMp4Pair, type MediaFixtureKind } from './testing/media-fixtures.js';

let tools: MediaTools;
let dir: string;
let hevc = false;
const files = new Map<MediaFixtureKind, string>();

before(async () => {
  tools = await locateMediaTools();
  dir = mkdtempSync(join(tmpdir(), 'custodia-media-probe-'));
  hevc = await hasEncoder(tools, 'libx265');
  const kinds: MediaFixtureKind[] = ['mp4-moov-at-end', 'mp4-faststart', 'mp4-rotated', 'mp4-undecodable', 'h264-raw', 'mjpeg-avi', 'vp9-webm',
    'audio-m4a', 'jpeg-exif', 'png', 'mkv-truncated', 'mp4-faststart-truncated', 'subtitles-only-mkv', 'text-as-mp4', 'empty'];
  if (hevc) kinds.push('hevc-raw', 'hevc-mkv');
  await Promise.all(kinds.map(async (k) => files.set(k, await makeMediaFixture(tools, k, dir))));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const f = (k: MediaFixtureKind): string => files.get(k)!;

test('MP4 with the index at the end: H.264 + AAC, container duration, frames', async () => {
  const p = await probe(tools, f('mp4-moov-at-end'));
  assert.equal(p.status, 'ok');
  assert.equal(p.failure, undefined);
  assert.equal(p.container, 'mov,mp4,m4a,3gp,3g2,mj2');
  assert.equal(p.durationSource, 'container');
  assert.ok(Math.abs(p.durationSec! - 4) < 0.1);
  assert.deepEqual({ ...p.video, profile: undefined }, { codec: 'h264', profile: undefined, width: 320, height: 240, fps: 25, pixFmt: 'yuv420p', frames: 100 });
  assert.deepEqual(p.audio, { codec: 'aac', channels: 1, sampleRate: 48000 });
  assert.deepEqual(p.streams, [{ index: 0, type: 'video', codec: 'h264' }, { index: 1, type: 'audio', codec: 'aac' }]);
  assert.equal(p.image, null);
  assert.equal(p.truncatedHint, undefined);
  assert.ok(p.bitRate! > 0);
});

test('tags: creation time and encoder, raw tags kept as strings', async () => {
  const p = await probe(tools, f('mp4-faststart'));
  assert.equal(p.tags.creationTime, '2024-03-15T14:22:01.000000Z');
  assert.match(p.tags.encoder ?? '', /^Lavf/);
  assert.equal(p.tags.raw['creation_time'], '2024-03-15T14:22:01.000000Z');
  for (const v of Object.values(p.tags.raw)) assert.equal(typeof v, 'string');
});

test('rotation from the display matrix, as a clockwise turn', async () => {
  const p = await probe(tools, f('mp4-rotated'));
  assert.equal(p.video?.rotation, 90);
  assert.equal(p.video?.width, 320);
});

test('raw H.264: no container duration, measured by reading the stream', async () => {
  const p = await probe(tools, f('h264-raw'));
  assert.equal(p.status, 'ok');
  assert.equal(p.container, 'h264');
  assert.equal(p.durationSource, 'decoded');
  assert.equal(p.durationSec, 4);
  assert.equal(p.video?.frames, 100);
  assert.equal(p.video?.hasBFrames, true);
  const quick = await probe(tools, f('h264-raw'), { decodeDuration: false });
  assert.equal(quick.durationSec, null);
  assert.equal(quick.durationSource, 'none');
});

test('raw HEVC and HEVC in Matroska', { skip: false }, async (t) => {
  if (!hevc) return t.skip('this ffmpeg has no libx265');
  const raw = await probe(tools, f('hevc-raw'));
  assert.equal(raw.status, 'ok');
  assert.equal(raw.video?.codec, 'hevc');
  assert.equal(raw.durationSource, 'decoded');
  assert.equal(raw.durationSec, 4);
  const mkv = await probe(tools, f('hevc-mkv'));
  assert.equal(mkv.status, 'ok');
  assert.equal(mkv.container, 'matroska,webm');
  assert.equal(mkv.video?.codec, 'hevc');
  assert.equal(mkv.audio?.codec, 'opus');
});

test('MJPEG in AVI with G.711 audio; VP9 WebM', async () => {
  const avi = await probe(tools, f('mjpeg-avi'));
  assert.equal(avi.status, 'ok');
  assert.equal(avi.container, 'avi');
  assert.equal(avi.video?.codec, 'mjpeg');
  assert.equal(avi.video?.fps, 12);
  assert.deepEqual(avi.audio, { codec: 'pcm_mulaw', channels: 1, sampleRate: 8000 });
  const webm = await probe(tools, f('vp9-webm'));
  assert.equal(webm.video?.codec, 'vp9');
  assert.ok(Math.abs(webm.durationSec! - 3) < 0.1);
});

test('audio only is ok: no video, audio described', async () => {
  const p = await probe(tools, f('audio-m4a'));
  assert.equal(p.status, 'ok');
  assert.equal(p.video, null);
  assert.equal(p.audio?.codec, 'aac');
  assert.ok(Math.abs(p.durationSec! - 4) < 0.1);
});

test('images: dimensions and EXIF tags as strings', async () => {
  const jpg = await probe(tools, f('jpeg-exif'));
  assert.equal(jpg.status, 'ok');
  assert.equal(jpg.video, null);
  assert.deepEqual(jpg.image, { width: 320, height: 240, exif: { ...FIXTURE_EXIF } });
  assert.equal(jpg.tags.device, 'HIKVISION DS-2CD2043G0-I');
  assert.equal(jpg.tags.creationTime, '2024:03:15 14:22:01');
  const png = await probe(tools, f('png'));
  assert.deepEqual(png.image, { width: 300, height: 200 });
});

test('truncated MKV: ok, with a hint and the duration actually present', async () => {
  const p = await probe(tools, f('mkv-truncated'));
  assert.equal(p.status, 'ok');
  assert.match(p.truncatedHint ?? '', /Matroska segment declares .* \(60%\)/);
  assert.match(p.truncatedHint ?? '', /the container states 4\.0\d s, 2\.\d+ s are present/);
  assert.equal(p.durationSource, 'decoded');
  assert.ok(p.durationSec! > 1.5 && p.durationSec! < 3.2, String(p.durationSec));
});

test('index-first MP4 cut off: ok, the index promises more than the media data holds', async () => {
  const p = await probe(tools, f('mp4-faststart-truncated'));
  assert.equal(p.status, 'ok');
  assert.match(p.truncatedHint ?? '', /'mdat' box at offset \d+ declares .* \(60%\)/);
  assert.equal(p.durationSource, 'decoded');
  assert.ok(p.durationSec! > 1.5 && p.durationSec! < 3.2, String(p.durationSec));
});

test('MP4 cut off before its index: truncated, with ffprobe\'s own words', async () => {
  const pair = await makeTruncatedMp4Pair(tools, dir);
  const p = await probe(tools, pair.truncated);
  assert.equal(p.status, 'failed');
  assert.equal(p.failure?.kind, 'truncated');
  assert.match(p.failure!.message, /no index \(moov box\)/);
  assert.match(p.failure!.message, /healthy file from the same camera/);
  assert.match(p.failure!.tool, /moov atom not found/);
  assert.match(p.truncatedHint ?? '', /'mdat' box .* declares/);
});

test('index intact, media data scrambled: no decodable frames', async () => {
  const p = await probe(tools, f('mp4-undecodable'));
  assert.equal(p.status, 'failed');
  assert.equal(p.failure?.kind, 'no-decodable-frames');
  assert.match(p.failure!.tool, /Invalid NAL unit size|Error splitting the input into NAL units|decoding/);
  assert.equal(p.video?.codec, 'h264'); // what could be learned is still reported
});

test('no video or audio: only subtitles', async () => {
  const p = await probe(tools, f('subtitles-only-mkv'));
  assert.equal(p.status, 'failed');
  assert.equal(p.failure?.kind, 'no-video-stream');
  assert.match(p.failure!.message, /only subtitle streams/);
});

test('a text file named .mp4 and an empty file: unknown format, with ffprobe\'s message', async () => {
  const text = await probe(tools, f('text-as-mp4'));
  assert.equal(text.failure?.kind, 'unknown-format');
  assert.match(text.failure!.message, /holds text/);
  assert.match(text.failure!.tool, /Invalid data found when processing input/);
  const empty = await probe(tools, f('empty'));
  assert.equal(empty.failure?.kind, 'unknown-format');
  assert.match(empty.failure!.message, /empty \(0 bytes\)/);
  assert.ok(empty.failure!.tool.length > 0);
});

test('unreadable: missing file, directory', async () => {
  const missing = await probe(tools, join(dir, 'nope.mp4'));
  assert.equal(missing.failure?.kind, 'unreadable');
  assert.match(missing.failure!.message, /does not exist/);
  const d = join(dir, 'a-directory.mp4');
  mkdirSync(d);
  const isDir = await probe(tools, d);
  assert.equal(isDir.failure?.kind, 'unreadable');
  assert.match(isDir.failure!.message, /directory/);
});

test('unreadable: permission denied', { skip: process.getuid?.() === 0 ? 'running as root: permissions do not apply' : false }, async () => {
  const locked = join(dir, 'locked.mp4');
  const { copyFileSync } = await import('node:fs');
  copyFileSync(f('mp4-faststart'), locked);
  chmodSync(locked, 0o000);
  const p = await probe(tools, locked);
  assert.equal(p.failure?.kind, 'unreadable');
});

test('a demuxer outside the allowlist is refused (HLS playlist pointing at a local file)', async () => {
  const { writeFileSync } = await import('node:fs');
  const m3u8 = join(dir, 'playlist.m3u8');
  writeFileSync(m3u8, `#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n${f('mp4-faststart')}\n#EXT-X-ENDLIST\n`);
  const p = await probe(tools, m3u8);
  assert.equal(p.status, 'failed');
  assert.equal(p.failure?.kind, 'unknown-format');
  assert.match(p.failure!.message, /does not open/);
});
