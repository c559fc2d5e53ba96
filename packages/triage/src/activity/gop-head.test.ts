import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateMediaTools, runTool, type MediaTools } from '@custodia/media';
import { makeCctvClip, type CctvClip } from '../testing/index.js';
import { detectActivity } from './detect.js';
import { gopHeadDropExpr } from './gop-head.js';

let tools: MediaTools;
let dir: string;
let longGop: CctvClip; // H.264, a keyframe every 4 s, a figure mostly between two GOP heads
let vp9: CctvClip; // VP9 in WebM, a keyframe every 2 s (its decoder ignores -skip_frame)

before(async () => {
  tools = await locateMediaTools();
  dir = mkdtempSync(join(tmpdir(), 'custodia-gop-head-'));
  const clock = { position: 'top-right' as const, fontSize: 32 };
  [longGop, vp9] = await Promise.all([
    makeCctvClip(join(dir, 'long-gop.mp4'), { durationSec: 24, gopSec: 4, noise: 8, clock, events: [{ startSec: 13.3, endSec: 16.5, from: 'left' }], seed: 7 }, { tools }),
    makeCctvClip(join(dir, 'walk.webm'), { durationSec: 20, codec: 'vp9', noise: 8, clock, events: [{ startSec: 6, endSec: 11, from: 'right' }], seed: 8 }, { tools }),
  ]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Flags of the video packets of `file` ("K" keyframe), in decode order. */
async function packetFlags(file: string): Promise<string[]> {
  const r = await runTool(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=flags', '-of', 'csv=p=0', file]);
  assert.equal(r.code, 0, r.stderrTail);
  return r.stdout.split('\n').filter(Boolean).map((l) => (l.startsWith('K') ? 'K' : '-'));
}

test('gopHeadDropExpr: the stream copy keeps the first GOP whole, then each GOP minus its last 2.5 s', async () => {
  const out = join(dir, 'heads.nut');
  const r = await runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-y', '-i', longGop.path, '-map', '0:v:0', '-c', 'copy', '-bsf:v', `noise=drop='${gopHeadDropExpr(25)}'`, '-f', 'nut', out]);
  assert.equal(r.code, 0, r.stderrTail);
  const before = await packetFlags(longGop.path);
  const kept = await packetFlags(out);
  // GOP lengths in packets, before and after.
  const gops = (flags: string[]): number[] => flags.join('').split(/(?=K)/).map((g) => g.length);
  const b = gops(before);
  const k = gops(kept);
  assert.equal(k.length, b.length, 'every keyframe kept');
  assert.equal(k[0], b[0], 'the first GOP whole');
  // Each later GOP keeps (previous GOP's length − 2.5 s of packets); 100-packet GOPs keep 37.
  for (let i = 1; i < b.length; i++) assert.equal(k[i], Math.min(b[i]!, Math.max(25, b[i - 1]! - 63)), `GOP ${i}: ${k[i]} of ${b[i]} packets kept`);
  assert.ok(b.slice(1, -1).every((n) => n === 100), `4-s GOPs at 25 fps: ${b.join(' ')}`);
  // What is kept decodes without a complaint.
  const dec = await runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-i', out, '-f', 'null', '-']);
  assert.equal(dec.code, 0);
  assert.equal(dec.stderrTail.trim(), '');
  assert.throws(() => gopHeadDropExpr(0), RangeError);
});

test('fast: keyframes 4 s apart: the head of every GOP is decoded, and a figure seen mostly between two heads is found', async () => {
  const r = await detectActivity(tools, longGop.path, { mode: 'fast' });
  assert.equal(r.decode, 'gop-heads');
  assert.equal(r.fps, 2);
  assert.equal(r.segments.length, 1, JSON.stringify(r.segments));
  const s = r.segments[0]!;
  assert.ok(s.startSec < 16.5 && s.endSec > 13.3, `segment ${s.startSec}–${s.endSec} s for an event at 13.3–16.5 s`);
  assert.ok(Math.abs(s.startSec - 13.3) <= 2.5 && Math.abs(s.endSec - 16.5) <= 2.5, `segment ${s.startSec}–${s.endSec} s`);
  // The last GOP's tail is not decoded either; the curve still covers the whole clip.
  assert.ok(r.decodedSeconds >= 20 && r.decodedSeconds <= 24.5, `decoded ${r.decodedSeconds} s`);
  assert.ok(r.curve.length >= 23 && r.curve.length <= 25, `curve of ${r.curve.length} s`);
  // The same clip decoded frame by frame (thorough) agrees.
  const t = await detectActivity(tools, longGop.path, { mode: 'thorough' });
  assert.equal(t.segments.length, 1, JSON.stringify(t.segments));
});

test('fast: VP9 keyframes picked from the packets find the event', async () => {
  const r = await detectActivity(tools, vp9.path, { mode: 'fast' });
  assert.equal(r.decode, 'keyframes');
  assert.equal(r.segments.length, 1, JSON.stringify(r.segments));
  const s = r.segments[0]!;
  assert.ok(Math.abs(s.startSec - 6) <= 1.5 && Math.abs(s.endSec - 11) <= 1.5, `segment ${s.startSec}–${s.endSec} s for an event at 6–11 s`);
  assert.ok(r.decodedSeconds >= 17 && r.decodedSeconds <= 20.5, `decoded ${r.decodedSeconds} s`);
  // With the probe (the pipeline's way) the same path is taken from the start.
  const { probe } = await import('@custodia/media');
  const p = await probe(tools, vp9.path);
  const q = await detectActivity(tools, vp9.path, { mode: 'fast', probe: p });
  assert.deepEqual(q.segments, r.segments);
});

test('fast: open GOPs (leading pictures refer to the previous GOP) make the decoder complain: every frame is decoded instead', async () => {
  const open = join(dir, 'open-gop.mp4');
  const enc = await runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-y', '-i', longGop.path, '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-threads', '1',
    '-x264-params', 'open-gop=1:bframes=3:b-pyramid=0:keyint=100:min-keyint=100:scenecut=0', open]);
  assert.equal(enc.code, 0, enc.stderrTail);
  const r = await detectActivity(tools, open, { mode: 'fast' });
  assert.equal(r.decode, 'all');
  assert.equal(r.segments.length, 1, JSON.stringify(r.segments));
  const s = r.segments[0]!;
  assert.ok(s.startSec < 16.5 && s.endSec > 13.3, `segment ${s.startSec}–${s.endSec} s for an event at 13.3–16.5 s`);
});
