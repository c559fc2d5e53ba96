#!/usr/bin/env node
// Overlay OCR benchmark: how often the burned-in clock and camera label are read exactly, and how
// long a frame takes, beside the naive baseline, in the same run on the same frames.
//
// Generates ≥ 20 short CCTV clips with known overlays: clock formats (ISO, day-first with dots or
// dashes, US 12 h AM/PM, year-first with slashes and an English weekday), the four corners, font
// sizes 18–44 px at 720p, sensor noise 3–22, plain, on a black box or outlined, 720p and PAL D1
// (704×576), Latin, Cyrillic and mixed labels. For every clip:
//   - readOverlay (locate → crop → preprocess → Tesseract per line; the default 8 samples cap at
//     the clip's whole seconds): clock readings exact (every sampled frame's parsed time equals
//     the truth), start time exact, label exact;
//   - the baseline: Tesseract on each same whole frame (automatic page segmentation, no locating,
//     no preprocessing, English data), its text parsed by the same parser; clock exact per frame
//     and label found verbatim anywhere in the page text.
// ms per frame: Tesseract time per sampled frame (all lines read: clock, labels, the clock search),
// and readOverlay's wall time per frame (decoding and locating included); the baseline's OCR time
// per frame (decoding excluded).
//
// Usage: npm run build && node packages/triage/bench/ocr.bench.mjs [--count 20] [--seconds 4]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { locateMediaTools } from '@custodia/media';
import { framePgm, grabGreyFrame, OverlayOcr, parseOverlayTime, readOverlay, sampleTimes } from '../dist/index.js';
import { cctvRandom, makeCctvClip } from '../dist/testing/index.js';

const { values: argv } = parseArgs({ options: { count: { type: 'string', default: '20' }, seconds: { type: 'string', default: '4' } } });
const count = Math.max(1, Number(argv.count));
const seconds = Math.max(2, Number(argv.seconds));
const tools = await locateMediaTools();
const ocr = new OverlayOcr();
const dir = mkdtempSync(join(tmpdir(), 'custodia-ocr-bench-'));
const log = (...a) => console.log(...a);

const FORMATS = ['%Y-%m-%d %H:%M:%S', '%d.%m.%Y %H:%M:%S', '%m/%d/%Y %I:%M:%S %p', '%Y/%m/%d %a %H:%M:%S', '%d-%m-%Y %H:%M:%S'];
const POSITIONS = ['top-left', 'top-right', 'bottom-right', 'bottom-left'];
const SIZES = [18, 22, 28, 36, 44];
const NOISE = [3, 8, 14, 22];
const LABELS = ['CAM 3', 'КАМЕРА 3 ПОДЪЕЗД', 'CAM 12  КАМЕРА 12', 'ENTRANCE 2', 'КОРИДОР 2 ЭТАЖ', 'CH 04', 'ПОСТ 1', 'GATE B'];

function spec(i) {
  const rnd = cctvRandom(500 + i * 17);
  const d1 = i % 5 === 3;
  return {
    durationSec: seconds,
    width: d1 ? 704 : 1280,
    height: d1 ? 576 : 720,
    noise: NOISE[i % NOISE.length],
    seed: i + 1,
    label: LABELS[i % LABELS.length],
    labelFontSize: SIZES[(i + 2) % SIZES.length],
    clock: {
      format: FORMATS[i % FORMATS.length],
      position: POSITIONS[Math.floor(i / 2) % POSITIONS.length],
      fontSize: SIZES[i % SIZES.length],
      box: i % 3 === 1,
      outline: i % 3 === 2,
      startEpoch: 1546300800 + Math.floor(rnd() * 6 * 365 * 86400),
    },
  };
}

const norm = (s) => s.replace(/\s+/g, ' ').trim();
const totals = {
  ours: { clips: 0, startExact: 0, frames: 0, clockExact: 0, labelExact: 0, ms: 0, ocrMs: 0, decodeMs: 0, decoded: 0 },
  base: { frames: 0, clockExact: 0, labelFound: 0, clips: 0, ms: 0 },
};
log(`overlay OCR bench: ${count} clips of ${seconds} s; OCR tool: ${ocr.version()}`);
log(`cyrillic: ${ocr.cyrillic ? 'yes' : 'NO (Debian tesseract-ocr-rus missing): Cyrillic labels cannot be read'}`);
log('clip  size      format                 pos           font noise look label                  | start  clock  label  ocr ms/frame | base clock  label  ms/frame');
try {
  for (let i = 0; i < count; i += 1) {
    const s = spec(i);
    const clip = await makeCctvClip(join(dir, `ocr-${String(i).padStart(2, '0')}.mp4`), s, { tools });
    const truth = (t) => new Date((s.clock.startEpoch + t) * 1000).toISOString();
    const label = norm(s.label);

    const r = await readOverlay(tools, clip.path, { ocr, durationSec: seconds });
    const clocks = r.readings.filter((x) => x.kind === 'clock' && Number.isInteger(x.atSec));
    // Every sampled second counts, read or not.
    const sampled = sampleTimes(seconds);
    const frames = sampled.length;
    const exact = clocks.filter((x) => x.time === truth(x.atSec)).length;
    const startOk = r.startTime === truth(0);
    const labelOk = r.cameraLabel !== null && norm(r.cameraLabel) === label;
    totals.ours.clips += 1;
    totals.ours.startExact += startOk ? 1 : 0;
    totals.ours.frames += frames;
    totals.ours.clockExact += exact;
    totals.ours.labelExact += labelOk ? 1 : 0;
    totals.ours.ms += r.elapsedMs;
    totals.ours.ocrMs += r.timings.ocrMs;
    totals.ours.decodeMs += r.timings.decodeMs;
    totals.ours.decoded += r.timings.frames;

    let bClock = 0;
    let bLabel = false;
    let bMs = 0;
    const times = sampled;
    for (const t of times) {
      const f = await grabGreyFrame(tools, clip.path, t);
      if (!f) continue;
      const t0 = performance.now();
      const page = await ocr.readPage(framePgm(f));
      bMs += performance.now() - t0;
      const p = parseOverlayTime(page.text);
      if (p && new Date(p.epochMs).toISOString() === truth(t)) bClock += 1;
      if (norm(page.text).includes(label)) bLabel = true;
    }
    totals.base.clips += 1;
    totals.base.frames += times.length;
    totals.base.clockExact += bClock;
    totals.base.labelFound += bLabel ? 1 : 0;
    totals.base.ms += bMs;
    log(
      `${String(i).padStart(4)}  ${`${s.width}x${s.height}`.padEnd(9)} ${s.clock.format.padEnd(22)} ${s.clock.position.padEnd(13)} ${String(s.clock.fontSize).padStart(4)} ${String(s.noise).padStart(5)} ${s.clock.box ? 'box ' : s.clock.outline ? 'line' : 'flat'} ${label.padEnd(22)} |` +
        ` ${startOk ? ' ok  ' : ' MISS'}  ${`${exact}/${frames}`.padEnd(5)}  ${labelOk ? ' ok  ' : ' MISS'}  ${String(Math.round(r.timings.ocrMs / frames)).padStart(8)} |` +
        ` ${`${bClock}/${times.length}`.padEnd(10)} ${bLabel ? ' ok  ' : ' MISS'}  ${String(Math.round(bMs / times.length)).padStart(8)}` +
        (startOk && labelOk ? '' : `   read: ${JSON.stringify({ start: r.startTime, label: r.cameraLabel, flags: r.flags.map((f) => f.kind), clock: clocks.map((x) => x.text) })}`),
    );
  }
} finally {
  await ocr.close();
  rmSync(dir, { recursive: true, force: true });
}
const pct = (a, b) => `${((100 * a) / Math.max(1, b)).toFixed(0)}% (${a}/${b})`;
log('');
log(`located + preprocessed, per line:  clock read exactly ${pct(totals.ours.clockExact, totals.ours.frames)} of frames; start time exact ${pct(totals.ours.startExact, totals.ours.clips)} of clips;` +
  ` label exact ${pct(totals.ours.labelExact, totals.ours.clips)};\n` +
  `                                   ${Math.round(totals.ours.ocrMs / totals.ours.frames)} ms OCR per frame (every line: clock, labels in eng and rus, the clock search);` +
  ` ${Math.round(totals.ours.ms / totals.ours.frames)} ms per frame in all (decoding ${Math.round(totals.ours.decodeMs / Math.max(1, totals.ours.decoded))} ms per decoded frame)`);
log(`naive whole-frame baseline:        clock read exactly ${pct(totals.base.clockExact, totals.base.frames)} of frames;` +
  ` label found ${pct(totals.base.labelFound, totals.base.clips)}; ${Math.round(totals.base.ms / totals.base.frames)} ms per frame (OCR only)`);
log(`load average during the run: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
