// Render tests on a drawn clip (lavfi: a moving patterned square over a test pattern, a tone), not
// real footage: the box must change the square's pixels strongly while the rest of the frame stays
// as the plain re-encode leaves it, muted ranges must be silent, and the metadata must be gone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateMediaTools, type MediaTools } from './media-tools.js';
import type { MediaProbe } from './media-types.js';
import { probe } from './probe.js';
import { buildRedactionGraph, effectSegments, piecewiseExpr, renderRedaction, type RedactionPlan } from './redact.js';
import { runTool } from './run-tool.js';
import { decodeGreyFrames, decodeMonoSamples, makeRedactionClip, maskedCompare, REDACTION_CLIP as C, rmsBetween, squareAt } from './testing/media-fixtures.js';

let tools: MediaTools;
let dir: string;
let src: string;
let srcProbe: MediaProbe;
let original: Buffer[];

before(async () => {
  tools = await locateMediaTools();
  dir = mkdtempSync(join(tmpdir(), 'custodia-redact-'));
  src = await makeRedactionClip(tools, dir);
  srcProbe = await probe(tools, src);
  original = await decodeGreyFrames(tools, src, C.width, C.height);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');
/** The square's box (3 px margin) as keyframes at these times. */
const follow = (...ts: number[]) => ts.map((t) => { const s = squareAt(t); return { t, x: (s.x - 3) / C.width, y: (s.y - 3) / C.height, w: (C.square + 6) / C.width, h: (C.square + 6) / C.height }; });
const inSquare = (t: number) => { const s = squareAt(t); return (x: number, y: number) => x >= s.x && x < s.x + C.square && y >= s.y && y < s.y + C.square; };
const awayFrom = (t: number, margin = 10) => { const s = squareAt(t); return (x: number, y: number) => !(x >= s.x - margin && x < s.x + C.square + margin && y >= s.y - margin && y < s.y + C.square + margin); };

describe('redaction render', () => {
  it('builds piecewise-linear expressions of t that hold their ends', () => {
    assert.equal(piecewiseExpr([{ t: 1, v: 10 }, { t: 3, v: 30 }, { t: 4, v: 30 }, { t: 5, v: 20 }], 't'), '10+10*clip(t-1,0,2)-10*clip(t-4,0,1)');
    const g = buildRedactionGraph({ boxes: [], audio: { mute: [], bleep: false }, clip: null, keep: [] }, srcProbe, C.width, C.height);
    assert.equal(g.segments, 0);
    assert.match(g.graph, /\[vout\]/);
  });

  it('draws a region that contains the interpolated box at every instant, whatever the keyframes', () => {
    // The expressions are evaluated here as JavaScript (clip, floor, max and t are all they use).
    const evalAt = (expr: string, t: number): number =>
      new Function('t', 'clip', 'floor', 'max', `return ${expr};`)(t, (v: number, a: number, b: number) => Math.min(Math.max(v, a), b), Math.floor, Math.max) as number;
    const lerp = (a: number, b: number, f: number) => a + (b - a) * f;
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 30; trial++) {
      // Even and odd frame sizes; on odd ones the frame is padded to even and boxes often touch the far edges.
      const [W, H] = trial % 2 === 0 ? [1280, 720] : [641 + 2 * (trial % 5), 361 + 2 * (trial % 3)];
      let at = rnd() * 3;
      const keyframes = Array.from({ length: 2 + Math.floor(rnd() * 90) }, () => {
        const w = 0.03 + rnd() * 0.3;
        const h = 0.03 + rnd() * 0.3;
        at += 0.05 + rnd();
        const edge = trial % 2 === 1 && rnd() < 0.5;
        return { t: Math.round(at * 1000) / 1000, x: edge ? 1 - w : rnd() * (1 - w), y: edge ? 1 - h : rnd() * (1 - h), w, h };
      });
      const offset = trial % 3 === 0 ? 1.5 : 0;
      const segs = effectSegments({ boxes: [{ effect: 'blur', colour: '#000000', keyframes }] }, W, H, offset, 0.04);
      const last = keyframes[keyframes.length - 1]!.t;
      for (let t = keyframes[0]!.t; t <= last; t += 0.037) {
        const i = Math.max(0, keyframes.findIndex((k) => k.t >= t) - 1);
        const a = keyframes[i]!;
        const b = keyframes[Math.min(i + 1, keyframes.length - 1)]!;
        const f = b.t === a.t ? 0 : Math.min(1, (t - a.t) / (b.t - a.t));
        const box = { x: lerp(a.x, b.x, f) * W, y: lerp(a.y, b.y, f) * H, w: lerp(a.w, b.w, f) * W, h: lerp(a.h, b.h, f) * H };
        const covering = segs.filter((s) => s.start <= t && t <= s.end).some((s) => {
          const x = evalAt(s.x, t - offset);
          const y = evalAt(s.y, t - offset);
          return x <= box.x + 1e-6 && y <= box.y + 1e-6 && x + s.w >= box.x + box.w - 1e-6 && y + s.h >= box.y + box.h - 1e-6;
        });
        assert.ok(covering, `trial ${trial}, t=${t.toFixed(3)}: box ${JSON.stringify(box)} not covered`);
      }
      assert.ok(segs.every((s) => s.w % 2 === 0 && s.h % 2 === 0 && s.w <= W + (W % 2) && s.h <= H + (H % 2)));
    }
  });

  for (const effect of ['blur', 'pixelate', 'fill'] as const) {
    it(`${effect}: hides the moving square in every frame and leaves the rest of the picture as it was`, async () => {
      const out = join(dir, `${effect}.mp4`);
      const before = sha(src);
      // Blur follows the square with a keyframe on every frame (101 keyframes: one long expression).
      const keys = effect === 'blur' ? follow(...Array.from({ length: 101 }, (_, i) => i * 0.04)) : follow(0, 1.5, 4);
      const plan: RedactionPlan = { boxes: [{ effect, colour: '#000000', keyframes: keys }], audio: { mute: [{ start: 1, end: 2 }], bleep: false }, clip: null, keep: [] };
      const r = await renderRedaction(tools, src, out, plan, { probe: srcProbe });
      assert.equal(sha(src), before, 'the source is never modified');
      assert.ok(Math.abs(r.durationSec - C.durationSec) < 0.1);
      const frames = await decodeGreyFrames(tools, out, C.width, C.height);
      assert.equal(frames.length, original.length);
      let worstInside = Infinity;
      let worstOutside = Infinity;
      frames.forEach((f, n) => {
        const t = n / C.fps;
        worstInside = Math.min(worstInside, maskedCompare(original[n]!, f, C.width, inSquare(t)).meanAbs);
        worstOutside = Math.min(worstOutside, maskedCompare(original[n]!, f, C.width, awayFrom(t)).psnr);
      });
      assert.ok(worstInside > 25, `the square differs strongly from the original in every frame (least mean difference ${worstInside.toFixed(1)} of 255)`);
      assert.ok(worstOutside > 35, `outside the box the picture is kept (lowest PSNR ${worstOutside.toFixed(1)} dB)`);
      const audio = await decodeMonoSamples(tools, out);
      assert.ok(rmsBetween(audio, 8000, 1.05, 1.95) < 30, 'silent in the muted range');
      assert.ok(rmsBetween(audio, 8000, 0.2, 0.9) > 1000 && rmsBetween(audio, 8000, 2.1, 3.5) > 1000, 'the tone is heard elsewhere');
      assert.deepEqual(readdirSync(dir).filter((n) => n.includes('.partial-')), [], 'no temporary file left');
    });
  }

  it('strips the metadata of the source and writes an MP4 with its index first', async () => {
    const out = join(dir, 'fill.mp4');
    const r = await runTool(tools.ffprobe, ['-v', 'error', '-show_entries', 'format_tags:stream_tags', '-of', 'json', out], { maxStdoutBytes: 1 << 20 });
    const tags = JSON.stringify(JSON.parse(r.stdout));
    assert.doesNotMatch(tags, /Cell block|Petrov|creation_time|2024-03-15|title|comment/i);
    const head = readFileSync(out).subarray(0, 64 * 1024).toString('latin1');
    assert.ok(head.indexOf('moov') >= 0 && head.indexOf('moov') < head.indexOf('mdat'), 'moov before mdat (faststart)');
  });

  it('cuts a clip: the box follows source time, the output starts at the clip, bleeps replace muted sound', async () => {
    const out = join(dir, 'clip.mp4');
    const plan: RedactionPlan = { boxes: [{ effect: 'fill', colour: '#ff0000', keyframes: follow(0, 4) }], audio: { mute: [{ start: 1.5, end: 2 }], bleep: true }, clip: { start: 1, end: 3 }, keep: [] };
    const r = await renderRedaction(tools, src, out, plan, { probe: srcProbe });
    assert.ok(Math.abs(r.durationSec - 2) < 0.1, `2 s long (${r.durationSec})`);
    const frames = await decodeGreyFrames(tools, out, C.width, C.height);
    const first = C.fps; // source frame 25 is output frame 0
    for (const n of [0, 20, 45]) {
      const t = (n + first) / C.fps;
      assert.ok(maskedCompare(original[n + first]!, frames[n]!, C.width, inSquare(t)).meanAbs > 25, `frame ${n}: the square is covered`);
      assert.ok(maskedCompare(original[n + first]!, frames[n]!, C.width, awayFrom(t)).psnr > 35, `frame ${n}: the rest matches source frame ${n + first}`);
    }
    const audio = await decodeMonoSamples(tools, out);
    assert.ok(rmsBetween(audio, 8000, 0.6, 0.9) > 1000, 'a bleep in the muted range');
    assert.ok(rmsBetween(audio, 8000, 1.1, 1.9) > 1000, 'the source sound after it');
  });

  it('keeps the burned-in overlay region visible over a box', async () => {
    const out = join(dir, 'keep.mp4');
    const keep = { x: 0, y: 80 / C.height, w: 100 / C.width, h: 70 / C.height };
    const plan: RedactionPlan = { boxes: [{ effect: 'fill', colour: '#000000', keyframes: follow(0, 4) }], audio: { mute: [], bleep: false }, clip: null, keep: [keep] };
    await renderRedaction(tools, src, out, plan, { probe: srcProbe });
    const frames = await decodeGreyFrames(tools, out, C.width, C.height);
    const inKeep = (x: number, y: number) => x >= 2 && x < 98 && y >= 82 && y < 148;
    // At t=0.2 the square (x 32..80) lies inside the kept region: it stays as in the source there.
    const n = 5;
    assert.ok(maskedCompare(original[n]!, frames[n]!, C.width, (x, y) => inKeep(x, y) && inSquare(n / C.fps)(x, y)).psnr > 35);
    // Later it has moved out of it and is covered.
    assert.ok(maskedCompare(original[75]!, frames[75]!, C.width, inSquare(3)).meanAbs > 25);
  });

  it('renders an odd frame size: padded to even, a box touching the far edges covers the last column and row', async () => {
    // libx264 4:2:0 needs even sizes; an odd source (4:4:4 here) is padded by one column and row.
    const odd = join(dir, 'odd-321x181.mkv');
    const made = await runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=1', '-vf', 'scale=321:181',
      '-pix_fmt', 'yuv444p', '-c:v', 'libx264', '-preset', 'ultrafast', '-y', odd], { timeoutMs: 60_000 });
    assert.equal(made.code, 0, made.stderrTail);
    const p = await probe(tools, odd);
    assert.deepEqual([p.video?.width, p.video?.height], [321, 181]);
    const out = join(dir, 'odd.mp4');
    const still = (x: number, y: number, w: number, h: number) => [{ t: 0, x, y, w, h }, { t: 1, x, y, w, h }];
    const plan: RedactionPlan = {
      boxes: [
        { effect: 'fill', colour: '#ffffff', keyframes: still(0.8, 0.1, 0.2, 0.2) }, // touches the right edge
        { effect: 'fill', colour: '#ffffff', keyframes: still(0.1, 0.8, 0.2, 0.2) }, // touches the bottom edge
      ],
      audio: { mute: [], bleep: false }, clip: null, keep: [],
    };
    const r = await renderRedaction(tools, odd, out, plan, { probe: p });
    assert.deepEqual([r.width, r.height], [322, 182]);
    const frames = await decodeGreyFrames(tools, out, 322, 182);
    const source = await decodeGreyFrames(tools, odd, 321, 181);
    assert.ok(frames.length >= 20);
    for (const n of [0, Math.floor(frames.length / 2), frames.length - 1]) {
      const f = frames[n]!;
      const at = (x: number, y: number) => f[y * 322 + x]!;
      // Inside each box, up to and including source column 320 / row 180: white.
      for (let y = 20; y < 54; y++) for (let x = 258; x <= 320; x++) assert.ok(at(x, y) > 230, `frame ${n}: (${x}, ${y}) is covered (${at(x, y)})`);
      for (let y = 146; y <= 180; y++) for (let x = 34; x < 64; x++) assert.ok(at(x, y) > 230, `frame ${n}: (${x}, ${y}) is covered (${at(x, y)})`);
      // Elsewhere the source picture is kept (a mid-frame patch compared with the source).
      let diff = 0;
      for (let y = 80; y < 120; y++) for (let x = 100; x < 200; x++) diff += Math.abs(at(x, y) - source[n]![y * 321 + x]!);
      assert.ok(diff / 4000 < 6, `frame ${n}: the rest of the picture is the source's (mean difference ${(diff / 4000).toFixed(1)})`);
    }
  });
});
