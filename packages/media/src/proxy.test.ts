import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateMediaTools, type MediaTools } from './media-tools.js';
import { MediaInputError, type MediaProbe } from './media-types.js';
import { probe } from './probe.js';
import { buildProxyArgs, proxyGeometry, proxyMaxRate, renderProxy } from './proxy.js';
import { boxOrder, hasEncoder, makeFrameCounterVideo, makeMediaFixture, readFrameCounter, type MediaFixtureKind } from './testing/media-fixtures.js';

let tools: MediaTools;
let dir: string;
let hevc = false;
const files = new Map<MediaFixtureKind, string>();

before(async () => {
  tools = await locateMediaTools();
  dir = mkdtempSync(join(tmpdir(), 'custodia-media-proxy-'));
  hevc = await hasEncoder(tools, 'libx265');
  const kinds: MediaFixtureKind[] = ['mp4-moov-at-end', 'mp4-faststart', 'mp4-720p', 'mp4-rotated', 'mp4-undecodable', 'h264-raw', 'mjpeg-avi',
    'vp9-webm', 'audio-m4a', 'jpeg-exif', 'mkv-truncated', 'mp4-faststart-truncated', 'text-as-mp4', 'empty'];
  if (hevc) kinds.push('hevc-raw', 'hevc-mkv');
  await Promise.all(kinds.map(async (k) => files.set(k, await makeMediaFixture(tools, k, dir))));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

/** Renders a proxy and checks everything a browser needs; returns the source probe and the proxy's. */
async function renderAndCheck(kind: MediaFixtureKind, opts: { maxHeight?: number; expectAudio: boolean }): Promise<{ src: MediaProbe; out: MediaProbe; width: number; height: number }> {
  const input = files.get(kind)!;
  const before = sha(input);
  const src = await probe(tools, input);
  assert.equal(src.status, 'ok', JSON.stringify(src.failure));
  const output = join(dir, `${kind}.proxy.mp4`);
  const progress: number[] = [];
  const r = await renderProxy(tools, input, output, { probe: src, maxHeight: opts.maxHeight, onProgress: (s) => progress.push(s) });
  assert.equal(sha(input), before, 'the original is never modified');
  const out = await probe(tools, output);
  assert.equal(out.status, 'ok');
  if (src.video) {
    assert.equal(out.video?.codec, 'h264');
    assert.equal(out.video?.pixFmt, 'yuv420p');
    assert.equal(out.video!.width % 2, 0);
    assert.equal(out.video!.height % 2, 0);
    assert.equal(out.video?.width, r.width);
    assert.equal(out.video?.height, r.height);
    assert.ok(r.height <= (opts.maxHeight ?? 720));
    assert.equal(out.video?.rotation, undefined, 'rotation is applied to the pixels, not left as a flag');
  }
  assert.equal(r.hasAudio, opts.expectAudio);
  assert.equal(out.audio?.codec ?? null, opts.expectAudio ? 'aac' : null);
  assert.ok(Math.abs(out.durationSec! - src.durationSec!) <= 0.1 * src.durationSec!, `duration ${out.durationSec} vs source ${src.durationSec}`);
  assert.ok(Math.abs(r.durationSec - out.durationSec!) < 0.01);
  const order = await boxOrder(output);
  assert.ok(order.indexOf('moov') >= 0 && order.indexOf('moov') < order.indexOf('mdat'), `moov before mdat: ${order.join(',')}`);
  assert.ok(progress.length > 0 && progress.every((s) => s >= 0));
  assert.ok(r.args.includes('libx264') || !src.video);
  assert.ok(!readdirSync(dir).some((n) => n.includes('.partial-')), 'no temporary file left behind');
  return { src, out, width: r.width, height: r.height };
}

test('MP4 with the index at the end → H.264/AAC, index first', async () => {
  const { width, height } = await renderAndCheck('mp4-moov-at-end', { expectAudio: true });
  assert.deepEqual([width, height], [320, 240]);
});

test('metadata is stripped from the proxy', async () => {
  const { src, out } = await renderAndCheck('mp4-faststart', { expectAudio: true });
  assert.ok(src.tags.creationTime);
  assert.equal(out.tags.creationTime, undefined);
  assert.equal(out.tags.encoder, undefined);
});

test('720p scaled down to maxHeight, never up', async () => {
  const small = await renderAndCheck('mp4-720p', { maxHeight: 360, expectAudio: false });
  assert.deepEqual([small.width, small.height], [640, 360]);
  const same = proxyGeometry({ width: 320, height: 240 }, 720);
  assert.deepEqual(same, { width: 320, height: 240 });
  assert.deepEqual(proxyGeometry({ width: 721, height: 481 }, 720), { width: 720, height: 480 });
  assert.deepEqual(proxyGeometry({ width: 704, height: 576, sampleAspectRatio: '12:11' }, 720), { width: 768, height: 576 });
  assert.deepEqual(proxyGeometry({ width: 1920, height: 1080, rotation: 90 }, 720), { width: 406, height: 720 });
});

test('bitrate ceiling: the source\'s own rate scaled to the output, 1 Mb/s floor, 4 Mb/s per 720p', () => {
  const v = { codec: 'h264', width: 1280, height: 720, fps: 25, pixFmt: 'yuv420p' };
  assert.equal(proxyMaxRate({ bitRate: 2_000_000, video: v }, 1280, 720), 2_000_000);
  assert.equal(proxyMaxRate({ bitRate: 2_000_000, video: v }, 640, 360), 1_000_000);
  assert.equal(proxyMaxRate({ bitRate: 30_000_000, video: v }, 1280, 720), 4_000_000);
  assert.equal(proxyMaxRate({ bitRate: 150_000, video: v }, 1280, 720), 1_000_000);
  assert.equal(proxyMaxRate({ bitRate: null, video: v }, 1280, 720), 4_000_000);
});

test('rotation honoured: a 90° phone/body-cam clip becomes portrait', async () => {
  const r = await renderAndCheck('mp4-rotated', { expectAudio: false });
  assert.deepEqual([r.width, r.height], [240, 320]);
});

test('raw H.264 (no container, B-frames): timestamps generated', async () => {
  const { src } = await renderAndCheck('h264-raw', { expectAudio: false });
  assert.equal(src.durationSource, 'decoded');
  const built = buildProxyArgs(src, 'in.h264', 'out.mp4', 720, false);
  const i = built.args.indexOf('-i');
  assert.ok(built.args.slice(0, i).join(' ').includes('-fflags +genpts -r 25'));
});

test('a raw stream with B-frames keeps frame-accurate timing in the proxy', async () => {
  const raw = await makeFrameCounterVideo(tools, dir, { seconds: 20, format: 'h264', bFrames: true });
  const p = await probe(tools, raw);
  const out = join(dir, 'counter-proxy.mp4');
  await renderProxy(tools, raw, out, { probe: p });
  for (const t of [0, 5.04, 10.52, 19.96]) assert.equal(await readFrameCounter(tools, out, 0, t), Math.round(t * 25), `proxy at ${t} s`);
});

test('raw HEVC and HEVC in Matroska (Chromium cannot play HEVC)', async (t) => {
  if (!hevc) return t.skip('this ffmpeg has no libx265');
  await renderAndCheck('hevc-raw', { expectAudio: false });
  await renderAndCheck('hevc-mkv', { expectAudio: true });
});

test('MJPEG in AVI with G.711 audio', async () => {
  await renderAndCheck('mjpeg-avi', { expectAudio: true });
});

test('VP9 WebM with Opus', async () => {
  await renderAndCheck('vp9-webm', { expectAudio: true });
});

test('audio only → an AAC-only MP4', async () => {
  await renderAndCheck('audio-m4a', { expectAudio: true });
});

test('truncated MKV and cut-off index-first MP4: what is there', async () => {
  for (const k of ['mkv-truncated', 'mp4-faststart-truncated'] as const) {
    const { out } = await renderAndCheck(k, { expectAudio: true });
    assert.ok(out.durationSec! > 1.5 && out.durationSec! < 3.2, `${k}: ${out.durationSec}`);
  }
});

test('inputs that cannot be rendered: the probe\'s failure kind, before any ffmpeg run', async () => {
  for (const [kind, expected] of [['text-as-mp4', 'unknown-format'], ['empty', 'unknown-format'], ['mp4-undecodable', 'no-decodable-frames'], ['jpeg-exif', 'no-video-stream']] as const) {
    const input = files.get(kind)!;
    const p = await probe(tools, input);
    await assert.rejects(renderProxy(tools, input, join(dir, `${kind}.never.mp4`), { probe: p }), (e: unknown) => {
      assert.ok(e instanceof MediaInputError, String(e));
      assert.equal(e.kind, expected);
      return true;
    });
  }
});

test('an AbortSignal kills a long render: rejected quickly, ffmpeg gone, nothing left behind', async () => {
  const input = files.get('mp4-720p')!;
  const p = await probe(tools, input);
  const outDir = mkdtempSync(join(dir, 'abort-'));
  const ac = new AbortController();
  const output = join(outDir, 'proxy.mp4');
  const started = Date.now();
  const pending = renderProxy(tools, input, output, { probe: p, signal: ac.signal, onProgress: (s) => s > 0 && ac.abort() });
  setTimeout(() => ac.abort(), 300);
  await assert.rejects(pending, (e: unknown) => (e as Error).name === 'AbortError');
  assert.ok(Date.now() - started < 10_000);
  assert.deepEqual(readdirSync(outDir), [], 'no proxy and no temporary file');
  // No ffmpeg process still writing into that directory.
  const still = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(outDir);
    } catch {
      return false;
    }
  });
  assert.deepEqual(still, []);
});
