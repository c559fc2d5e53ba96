import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateMediaTools, type MediaTools } from './media-tools.js';
import { MediaInputError } from './media-types.js';
import { probe } from './probe.js';
import { runTool } from './run-tool.js';
import { parseFrameMeta, renderThumbnails, type ThumbnailOptions, type ThumbnailResult } from './thumbnails.js';
import { COUNTER_SIZE, hasEncoder, makeFrameCounterVideo, makeLongRawH264, makeMediaFixture, readFrameCounter, type MediaFixtureKind } from './testing/media-fixtures.js';

let tools: MediaTools;
let dir: string;
let hevc = false;
const files = new Map<MediaFixtureKind, string>();

before(async () => {
  tools = await locateMediaTools();
  dir = mkdtempSync(join(tmpdir(), 'custodia-media-thumbs-'));
  hevc = await hasEncoder(tools, 'libx265');
  const kinds: MediaFixtureKind[] = ['mp4-moov-at-end', 'mp4-faststart', 'mp4-720p', 'mp4-rotated', 'h264-raw', 'mjpeg-avi', 'vp9-webm',
    'audio-m4a', 'jpeg-exif', 'png', 'mkv-truncated', 'mp4-faststart-truncated', 'text-as-mp4'];
  if (hevc) kinds.push('hevc-raw', 'hevc-mkv');
  await Promise.all(kinds.map(async (k) => files.set(k, await makeMediaFixture(tools, k, dir))));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Mean luma of an image (16 = black in limited range). */
async function meanLuma(path: string): Promise<number> {
  const r = await runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-i', path, '-vf', 'format=yuv420p,signalstats,metadata=mode=print:key=lavfi.signalstats.YAVG:file=-', '-f', 'null', '-'], { maxStdoutBytes: 1 << 20 });
  return parseFrameMeta(r.stdout)[0]?.luma ?? -1;
}

async function renderAndCheck(kind: MediaFixtureKind, opts: Partial<ThumbnailOptions> = {}): Promise<ThumbnailResult> {
  const input = files.get(kind)!;
  const p = await probe(tools, input);
  assert.equal(p.status, 'ok');
  const outDir = join(dir, `${kind}-${opts.method ?? 'auto'}-${opts.maxSpriteWidth ?? 0}`);
  const r = await renderThumbnails(tools, input, outDir, { probe: p, ...opts });
  assert.deepEqual(readdirSync(outDir).sort(), ['filmstrip.jpg', 'poster.jpg'], 'only the two outputs, no work files');
  const strip = await probe(tools, r.filmstrip);
  assert.equal(strip.status, 'ok');
  assert.deepEqual([strip.image?.width, strip.image?.height], [r.columns * r.tileWidth, r.rows * r.tileHeight]);
  assert.equal(r.rows, Math.ceil(r.tiles.length / r.columns));
  const poster = await probe(tools, r.poster);
  assert.ok(poster.image && poster.image.height <= (opts.posterMaxHeight ?? 720) && poster.image.height > 0);
  const d = p.durationSec ?? 0;
  r.tiles.forEach((t, i) => {
    assert.equal(t.index, i);
    if (i > 0) assert.ok(t.timeSec > r.tiles[i - 1]!.timeSec, 'tile times increase');
    assert.ok(t.timeSec >= 0 && t.timeSec <= d + 0.05, `tile ${i} at ${t.timeSec} within ${d}`);
  });
  return r;
}

test('24 tiles at regular times across the file (single pass for short files)', async () => {
  const r = await renderAndCheck('mp4-moov-at-end');
  assert.equal(r.method, 'single-pass');
  assert.equal(r.tiles.length, 24);
  assert.deepEqual([r.tileWidth, r.tileHeight, r.columns, r.rows], [160, 120, 24, 1]);
  const step = 4 / 24;
  r.tiles.forEach((t, i) => assert.ok(Math.abs(t.timeSec - (i + 0.5) * step) <= 0.05, `tile ${i} at ${t.timeSec}`));
});

test('seek per tile gives the same times as the single pass', async () => {
  const seek = await renderAndCheck('mp4-faststart', { method: 'seek', frames: 8 });
  const pass = await renderAndCheck('mp4-faststart', { method: 'single-pass', frames: 8 });
  assert.equal(seek.method, 'seek');
  assert.equal(pass.method, 'single-pass');
  assert.equal(seek.tiles.length, 8);
  seek.tiles.forEach((t, i) => assert.ok(Math.abs(t.timeSec - pass.tiles[i]!.timeSec) <= 0.045, `${t.timeSec} vs ${pass.tiles[i]!.timeSec}`));
});

test('the poster avoids a black opening: a frame from ~10% in, or the next bright one', async () => {
  const r = await renderAndCheck('mp4-720p', { method: 'seek' });
  assert.ok(r.posterTimeSec >= 1.0, `poster at ${r.posterTimeSec}`);
  assert.ok(r.posterTimeSec <= 2.0);
  assert.ok((await meanLuma(r.poster)) > 40);
  const poster = await probe(tools, r.poster);
  assert.deepEqual([poster.image?.width, poster.image?.height], [1280, 720]);
  assert.equal(r.tileHeight, 90);
  const pass = await renderAndCheck('mp4-720p', { method: 'single-pass', posterMaxHeight: 360 });
  assert.ok(pass.posterTimeSec >= 1.0);
  assert.ok((await meanLuma(pass.poster)) > 40);
});

test('long strips wrap into rows', async () => {
  const r = await renderAndCheck('mp4-faststart', { maxSpriteWidth: 800, width: 100 });
  assert.deepEqual([r.columns, r.rows, r.tiles.length], [8, 3, 24]);
});

test('rotated clip: portrait tiles', async () => {
  const r = await renderAndCheck('mp4-rotated', { frames: 6 });
  assert.deepEqual([r.tileWidth, r.tileHeight], [160, 214]);
});

test('raw streams, MJPEG/AVI, VP9, cut-off MKV and MP4', async () => {
  for (const k of ['h264-raw', 'mjpeg-avi', 'vp9-webm', 'mkv-truncated', 'mp4-faststart-truncated'] as const) {
    const r = await renderAndCheck(k, { frames: 12 });
    assert.equal(r.method, 'single-pass');
    assert.ok(r.tiles.length >= 11, `${k}: ${r.tiles.length} tiles`);
  }
});

test('a long raw stream: one pass over keyframes only, tiles at their true times', async () => {
  const raw = await makeLongRawH264(tools, dir, 150, 50);
  const p = await probe(tools, raw);
  assert.equal(p.durationSec, 150);
  const r = await renderThumbnails(tools, raw, join(dir, 'long-raw'), { probe: p, frames: 10 });
  assert.equal(r.method, 'single-pass');
  assert.equal(r.tiles.length, 10);
  // Keyframes every 2 s; targets at 7.5, 22.5, …: each tile is the first keyframe at or after its target.
  r.tiles.forEach((t, i) => {
    const target = (i + 0.5) * 15;
    assert.ok(t.timeSec >= target - 0.05 && t.timeSec <= target + 2.05, `tile ${i} at ${t.timeSec}, target ${target}`);
    assert.ok(Math.abs(t.timeSec / 2 - Math.round(t.timeSec / 2)) < 0.03, `tile ${i} at ${t.timeSec} is a keyframe time`);
  });
});

test('every tile shows the frame at its timeSec (frame-counter video; B-frames; seek, pass, raw)', async () => {
  // Raw without B-frames over 2 minutes: the keyframe-only pass; raw with B-frames: always a full decode.
  const [mp4, raw, rawNoB] = await Promise.all([
    makeFrameCounterVideo(tools, dir, { seconds: 40, format: 'mp4', bFrames: true }),
    makeFrameCounterVideo(tools, dir, { seconds: 30, format: 'h264', bFrames: true }),
    makeFrameCounterVideo(tools, dir, { seconds: 125, format: 'h264', bFrames: false }),
  ]);
  for (const [input, method] of [[mp4, 'seek'], [mp4, 'single-pass'], [raw, 'auto'], [rawNoB, 'auto']] as const) {
    const p = await probe(tools, input);
    const r = await renderThumbnails(tools, input, join(dir, `counter-${method}-${input.split('/').pop()}`), { probe: p, frames: 6, width: COUNTER_SIZE.width, method });
    assert.equal(r.tileHeight, COUNTER_SIZE.height);
    for (const t of r.tiles) {
      const shown = await readFrameCounter(tools, r.filmstrip, t.index * r.tileWidth);
      assert.ok(Math.abs(shown / 25 - t.timeSec) <= 0.041, `${input} ${r.method}: tile ${t.index} says ${t.timeSec} s, shows frame ${shown} (${shown / 25} s)`);
    }
  }
});

test('HEVC raw and in Matroska', async (t) => {
  if (!hevc) return t.skip('this ffmpeg has no libx265');
  await renderAndCheck('hevc-raw', { frames: 12 });
  await renderAndCheck('hevc-mkv', { frames: 12, method: 'seek' });
});

test('still images: one tile, the poster is the picture', async () => {
  const jpg = await renderAndCheck('jpeg-exif');
  assert.deepEqual([jpg.tiles.length, jpg.tileWidth, jpg.tileHeight], [1, 160, 120]);
  const png = await renderAndCheck('png');
  assert.equal(png.tileHeight, 106);
});

test('audio only and non-media: refused with the failure kind', async () => {
  const audio = await probe(tools, files.get('audio-m4a')!);
  await assert.rejects(renderThumbnails(tools, files.get('audio-m4a')!, join(dir, 'a'), { probe: audio }), (e: unknown) => e instanceof MediaInputError && e.kind === 'no-video-stream');
  const text = await probe(tools, files.get('text-as-mp4')!);
  await assert.rejects(renderThumbnails(tools, files.get('text-as-mp4')!, join(dir, 't'), { probe: text }), (e: unknown) => e instanceof MediaInputError && e.kind === 'unknown-format');
  assert.ok(!existsSync(join(dir, 't')));
});

test('parseFrameMeta', () => {
  assert.deepEqual(parseFrameMeta('frame:0    pts:0       pts_time:0.28\nlavfi.signalstats.YAVG=122.677\nframe:1    pts:9 pts_time:0.76\n'), [
    { timeSec: 0.28, luma: 122.677 },
    { timeSec: 0.76, luma: null },
  ]);
});
