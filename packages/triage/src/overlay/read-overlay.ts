// Reading a video's burned-in DVR overlay: when it was recorded (by the clock in the picture, not
// file dates) and which camera (the label). A few frames spread over the video are enough: the text
// is located across them, cropped, cleaned and read line by line; the clock's readings, each minus
// its offset in the video, agree on one start time unless the recording was cut or edited.
import type { MediaTools } from '@custodia/media';
import { grabGreyFrame, sampleTimes, SMALL_FRAME_HEIGHT } from './frame-sampler.js';
import { resolveLabelScript } from './label-script.js';
import { lineImage } from './line-image.js';
import { parseOverlayTime, withoutOverlayTime } from './overlay-time.parser.js';
import type { OverlayOcr } from './tesseract.engine.js';
import { locateTextLines, type GreyFrame, type Rect, type TextLine } from './text-lines.locator.js';

export interface OverlayReading {
  atSec: number;
  kind: 'clock' | 'label';
  text: string;
  /** The clock's reading as ISO 8601 (wall clock, zone unknown, written as UTC); null if unparsed or a label. */
  time: string | null;
  confidence: number;
  region: Rect;
}

export type OverlayFlag =
  | { kind: 'clock-jump'; fromSec: number; toSec: number; before: string; after: string; jumpSec: number }
  | { kind: 'metadata-mismatch'; overlayStart: string; creationTime: string; differenceSec: number }
  | { kind: 'unreadable'; reason: string };

export interface OverlayResult {
  /** Wall-clock time at the first frame by the burned-in clock (ISO 8601, zone unknown, written as UTC). */
  startTime: string | null;
  cameraLabel: string | null;
  /** 0–1: share of samples agreeing on the start × mean OCR confidence. */
  confidence: number;
  flags: OverlayFlag[];
  readings: OverlayReading[];
  regions: { clock: Rect | null; labels: Rect[] };
  frame: { width: number; height: number } | null;
  elapsedMs: number;
  /** Where the time went: decoding sample frames, locating text, recognising it. */
  timings: { decodeMs: number; locateMs: number; ocrMs: number; frames: number; ocrCalls: number };
}

export interface ReadOverlayOptions {
  ocr: OverlayOcr;
  durationSec: number | null;
  container?: string | null | undefined;
  fps?: number | null | undefined;
  /** The container's creation_time tag (ISO 8601), to compare with the overlay. */
  creationTime?: string | null | undefined;
  /** Frames sampled across the video. Default 8. */
  samples?: number;
  /** Largest disagreement (s) between overlay time and video time before a clock jump is flagged. Default 2. */
  jumpToleranceSec?: number;
  /** Largest difference (s) between overlay start and creation_time before a mismatch is flagged. Default 600. */
  metadataToleranceSec?: number;
  signal?: AbortSignal | undefined;
}

interface Sample {
  atSec: number;
  frame: GreyFrame;
}

interface ClockRead {
  atSec: number;
  text: string;
  epochMs: number | null;
  confidence: number;
}

/**
 * The reader's own revision, beside the OCR engine and data (OverlayOcr.version()): a change to how
 * frames are sampled, text located or lines read gives other results from the same Tesseract.
 * 1: the first reader (unnamed in stored tool strings); 2: small frames enlarged, long vertical
 * scene lines cleared before locating, a label on the clock's line read from it.
 */
export const OVERLAY_READER_REVISION = 2;

/** What read an overlay, as the pipeline records it: the OCR engine and data, and the reader's revision. */
export function overlayReaderVersion(ocr: Pick<OverlayOcr, 'version'>): string {
  return `${ocr.version()}; reader ${OVERLAY_READER_REVISION}`;
}

const iso = (ms: number): string => new Date(ms).toISOString();
/** What is left of a clock-only line when the date and time are taken out: not a label. */
const CLOCK_WORDS = /^(?:[AaPp]\.?\s*[Mm]\.?|[АаРр]\.?\s*[Мм]\.?)$/u;

/**
 * Reads the overlay of the video at `path`. Never throws for a video without a usable picture or
 * overlay: the result then carries an `unreadable` flag with the reason.
 */
export async function readOverlay(tools: MediaTools, path: string, opts: ReadOverlayOptions): Promise<OverlayResult> {
  let enlarged = false;
  const first = await readOverlayBody(tools, path, opts, true, () => {
    enlarged = true;
  });
  // Enlarging a small frame helps most overlays (a 9-px clock) but can break a low-contrast one
  // (white text on a light sky) into pieces: then the frames are read at their own size as well.
  if (first.startTime !== null || !enlarged) return first;
  const second = await readOverlayBody(tools, path, opts, false, () => {});
  const r = second.startTime !== null ? second : first;
  const t = (k: keyof OverlayResult['timings']) => first.timings[k] + second.timings[k];
  return {
    ...r,
    elapsedMs: first.elapsedMs + second.elapsedMs,
    timings: { decodeMs: t('decodeMs'), locateMs: t('locateMs'), ocrMs: t('ocrMs'), frames: t('frames'), ocrCalls: t('ocrCalls') },
  };
}

async function readOverlayBody(
  tools: MediaTools,
  path: string,
  opts: ReadOverlayOptions,
  enlargeSmall: boolean,
  onEnlarge: () => void,
): Promise<OverlayResult> {
  const started = Date.now();
  const tol = (opts.jumpToleranceSec ?? 2) * 1000;
  const dur = opts.durationSec && opts.durationSec > 0 ? opts.durationSec : 1;
  const timings = { decodeMs: 0, locateMs: 0, ocrMs: 0, frames: 0, ocrCalls: 0 };
  // Small frames are read enlarged (see SMALL_FRAME_HEIGHT), decided on the first frame; every
  // region reported is in the video's own pixels.
  let up = 1;
  const grab = async (t: number): Promise<GreyFrame | null> => {
    const t0 = performance.now();
    try {
      const f = await grabGreyFrame(tools, path, t, { container: opts.container, fps: opts.fps, signal: opts.signal, upscale: up });
      if (f && enlargeSmall && up === 1 && f.height < SMALL_FRAME_HEIGHT && f.height > 0) {
        up = 2;
        onEnlarge();
        return await grabGreyFrame(tools, path, t, { container: opts.container, fps: opts.fps, signal: opts.signal, upscale: up });
      }
      return f;
    } finally {
      timings.decodeMs += performance.now() - t0;
      timings.frames += 1;
    }
  };
  const unreadable = (reason: string, extra: Partial<OverlayResult> = {}): OverlayResult => ({
    startTime: null, cameraLabel: null, confidence: 0, flags: [{ kind: 'unreadable', reason }], readings: [], regions: { clock: null, labels: [] },
    frame: null, ...extra, elapsedMs: Date.now() - started, timings: rounded(timings),
  });

  const samples: Sample[] = [];
  const errors: string[] = [];
  for (const t of sampleTimes(dur, opts.samples ?? 8)) {
    try {
      const frame = await grab(t);
      if (frame) samples.push({ atSec: t, frame });
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      errors.push((e as Error).message);
    }
  }
  if (samples.length === 0) return unreadable(`no frame could be decoded${errors[0] ? `: ${errors[0]}` : ''}`);
  const size = { width: samples[0]!.frame.width, height: samples[0]!.frame.height };
  const same = samples.filter((s) => s.frame.width === size.width && s.frame.height === size.height);
  // Regions and the frame size in the video's own pixels (the frames may have been enlarged).
  const own = (r: Rect): Rect =>
    up === 1 ? rect(r) : { x: Math.floor(r.x / up), y: Math.floor(r.y / up), w: Math.ceil((r.x + r.w) / up) - Math.floor(r.x / up), h: Math.ceil((r.y + r.h) / up) - Math.floor(r.y / up) };
  const ownSize = { width: Math.round(size.width / up), height: Math.round(size.height / up) };
  // Partners one second later: what changes between them is the clock.
  const partners: Sample[] = [];
  for (const s of [same[0]!, same[Math.floor(same.length / 2)]!]) {
    if (s.atSec + 1 > dur - 0.05 || partners.some((p) => p.atSec === s.atSec + 1)) continue;
    const f = await grab(s.atSec + 1).catch(() => null);
    if (f && f.width === size.width && f.height === size.height) partners.push({ atSec: s.atSec + 1, frame: f });
  }
  const frames = [...same.map((s) => s.frame), ...partners.map((p) => p.frame)];
  const pairs: [number, number][] = partners.map((p) => [same.findIndex((s) => s.atSec === p.atSec - 1), same.length + partners.indexOf(p)]);
  const t0 = performance.now();
  const lines = locateTextLines(frames, { pairs });
  timings.locateMs += performance.now() - t0;
  if (lines.length === 0) return unreadable(`no burned-in text found in ${same.length} frames`, { frame: ownSize });

  const ocr = opts.ocr;
  const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
    const t1 = performance.now();
    try {
      return await fn();
    } finally {
      timings.ocrMs += performance.now() - t1;
      timings.ocrCalls += 1;
    }
  };
  const readClock = async (frame: GreyFrame, line: TextLine, lightOnDark = line.lightOnDark): Promise<{ text: string; confidence: number; epochMs: number | null }> => {
    const img = lineImage([frame], line, lightOnDark);
    const r = await timed(() => ocr.readLine(img.pgm, 'clock'));
    const p = parseOverlayTime(r.text);
    return { text: r.text, confidence: r.confidence, epochMs: p ? p.epochMs : null };
  };

  // The clock: the line that reads as a date and time, preferring the one that changes.
  // At most a few candidates each: a busy scene can yield many line-like shapes, and each read costs.
  const byChange = [...lines].sort((a, b) => b.change - a.change).slice(0, 4);
  let clock: TextLine | null = null;
  let first: Awaited<ReturnType<typeof readClock>> | null = null;
  // Outlined text (light fill, dark outline) fools the polarity guess: the other one is tried too.
  search: for (const line of byChange) {
    for (const lightOnDark of [line.lightOnDark, !line.lightOnDark]) {
      const r = await readClock(same[0]!.frame, line, lightOnDark);
      if (r.epochMs !== null) {
        line.lightOnDark = lightOnDark;
        [clock, first] = [line, r];
        break search;
      }
    }
  }
  const readings: OverlayReading[] = [];
  const reads: ClockRead[] = [];
  if (clock) {
    for (const s of same) {
      const r = s === same[0] && first ? first : await readClock(s.frame, clock);
      reads.push({ atSec: s.atSec, ...r });
    }
  }

  // Labels: every other line, averaged over all samples (it never changes), read by both models.
  const labelTexts: { text: string; confidence: number; line: TextLine }[] = [];
  const labelLines = lines
    .filter((l) => l !== clock)
    .sort((a, b) => b.presence - a.presence || a.change - b.change || b.w * b.h - a.w * a.h)
    .slice(0, 4)
    .sort((a, b) => a.y - b.y || a.x - b.x);
  const readLabel = async (line: TextLine, lightOnDark: boolean) => {
    const img = lineImage(same.map((s) => s.frame), line, lightOnDark);
    const eng = await timed(() => ocr.readLine(img.pgm, 'text', 'eng'));
    const rus = ocr.cyrillic ? await timed(() => ocr.readLine(img.pgm, 'text', 'rus')) : null;
    return resolveLabelScript(eng, rus);
  };
  for (const line of labelLines) {
    let label = await readLabel(line, line.lightOnDark);
    if (label.confidence < 70) {
      const other = await readLabel(line, !line.lightOnDark);
      if (other.confidence > label.confidence) label = other;
    }
    const clean = withoutOverlayTime(label.text).replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    // Scene edges read as text come out as low-confidence runs of one letter ("Заааааа").
    const plausible = /\p{L}/u.test(clean) && clean.replace(/[^\p{L}\p{N}]/gu, '').length >= 2 && !/(\p{L})\1{3}/u.test(clean);
    if (label.confidence >= 65 && plausible) labelTexts.push({ text: clean, confidence: label.confidence, line });
  }
  // Small DVR overlays often set the label on the clock's line («CAM 3  2024-04-01 19:33:20»), so
  // the locator finds one line: the clock's read in clock mode drops the letters. When no other
  // line gave a label, the clock's line is read once more as text and what precedes or follows the
  // date and time is the label (only when that read still shows the date and time, so a misread
  // of the digits is never taken for a label).
  if (clock && labelTexts.length === 0) {
    const img = lineImage([same[0]!.frame], clock, clock.lightOnDark);
    const eng = await timed(() => ocr.readLine(img.pgm, 'text', 'eng'));
    const rus = ocr.cyrillic && /[^\x00-\x7f]/u.test(eng.text) ? await timed(() => ocr.readLine(img.pgm, 'text', 'rus')) : null;
    const label = resolveLabelScript(eng, rus);
    if (parseOverlayTime(label.text)) {
      const clean = withoutOverlayTime(label.text).replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
      const plausible = /\p{L}/u.test(clean) && clean.replace(/[^\p{L}\p{N}]/gu, '').length >= 2 && !/(\p{L})\1{3}/u.test(clean) && !CLOCK_WORDS.test(clean);
      if (label.confidence >= 65 && plausible) labelTexts.push({ text: clean, confidence: label.confidence, line: clock });
    }
  }
  for (const l of labelTexts) readings.push({ atSec: same[0]!.atSec, kind: 'label', text: l.text, time: null, confidence: l.confidence, region: own(l.line) });

  const flags: OverlayFlag[] = [];
  const parsed = reads.filter((r) => r.epochMs !== null) as (ClockRead & { epochMs: number })[];
  // Consensus: the largest group of readings whose (time − offset) agree.
  const starts = parsed.map((r) => ({ r, start: r.epochMs - r.atSec * 1000 }));
  let group: typeof starts = [];
  for (const s of starts) {
    const g = starts.filter((o) => Math.abs(o.start - s.start) <= tol);
    if (g.length > group.length) group = g;
  }
  // A clock showing whole seconds reads floor(start + t): each (reading − t) is at most the true
  // start and within a second of it, so the largest is the closest.
  const startMs = group.length > 0 ? Math.max(...group.map((g) => g.start)) : null;

  // Jumps: consecutive readings that disagree with the video's own time; narrowed by bisection.
  // One misread digit looks just like a jump, so a jump counts only when another frame half a
  // second away agrees with the new time; an unconfirmed reading is set aside as a misread.
  parsed.sort((a, b) => a.atSec - b.atSec);
  type Parsed = { atSec: number; text: string; epochMs: number; confidence: number };
  const skew = (x: Parsed, y: Parsed) => y.epochMs - x.epochMs - (y.atSec - x.atSec) * 1000;
  const readAt = async (t: number): Promise<Parsed | null> => {
    if (!clock) return null;
    const f = await grab(t).catch(() => null);
    if (!f || f.width !== size.width || f.height !== size.height) return null;
    const r = await readClock(f, clock);
    if (r.epochMs === null) return null;
    const m = { atSec: t, text: r.text, epochMs: r.epochMs, confidence: r.confidence };
    reads.push(m);
    return m;
  };
  let prev: Parsed | null = null;
  for (const cur of parsed) {
    if (!prev || Math.abs(skew(prev, cur)) <= tol) {
      prev = cur;
      continue;
    }
    const t = cur.atSec + 0.5 <= dur - 0.05 ? cur.atSec + 0.5 : cur.atSec - 0.5;
    const check = t > prev.atSec ? await readAt(t) : null;
    if (!check || Math.abs(skew(cur, check)) > tol) continue;
    let [a, b] = [prev, cur];
    for (let k = 0; k < 6 && b.atSec - a.atSec > 1; k += 1) {
      const mid = Math.round((a.atSec + b.atSec) / 2);
      if (mid <= a.atSec || mid >= b.atSec) break;
      const m = await readAt(mid);
      if (!m) break;
      if (Math.abs(skew(a, m)) <= tol) a = m;
      else if (Math.abs(skew(m, b)) <= tol) b = m;
      else break;
    }
    flags.push({ kind: 'clock-jump', fromSec: a.atSec, toSec: b.atSec, before: iso(a.epochMs), after: iso(b.epochMs), jumpSec: Math.round(skew(a, b) / 1000) });
    prev = cur;
  }
  reads.sort((x, y) => x.atSec - y.atSec);
  for (const r of reads) readings.push({ atSec: r.atSec, kind: 'clock', text: r.text, time: r.epochMs === null ? null : iso(r.epochMs), confidence: r.confidence, region: own(clock!) });

  if (startMs === null) {
    flags.push({
      kind: 'unreadable',
      reason: clock
        ? `the clock at ${describe(own(clock))} could not be read in any of ${same.length} frames`
        : `${lines.length} text line(s) found (${lines.map((l) => describe(own(l))).join(', ')}) but none reads as a date and time`,
    });
  }
  if (startMs !== null && opts.creationTime) {
    const created = Date.parse(opts.creationTime);
    const diff = Math.round((startMs - created) / 1000);
    if (Number.isFinite(created) && Math.abs(diff) > (opts.metadataToleranceSec ?? 600)) {
      flags.push({ kind: 'metadata-mismatch', overlayStart: iso(startMs), creationTime: iso(created), differenceSec: diff });
    }
  }
  const meanConf = group.length > 0 ? group.reduce((s, g) => s + g.r.confidence, 0) / group.length / 100 : 0;
  return {
    startTime: startMs === null ? null : iso(startMs),
    cameraLabel: labelTexts.length > 0 ? labelTexts.map((l) => l.text).join(' | ') : null,
    confidence: Math.round(((group.length / Math.max(1, same.length)) * meanConf) * 1000) / 1000,
    flags,
    readings,
    regions: { clock: clock ? own(clock) : null, labels: labelTexts.map((l) => own(l.line)) },
    frame: ownSize,
    elapsedMs: Date.now() - started,
    timings: rounded(timings),
  };
}

const rounded = (t: OverlayResult['timings']): OverlayResult['timings'] => ({
  decodeMs: Math.round(t.decodeMs), locateMs: Math.round(t.locateMs), ocrMs: Math.round(t.ocrMs), frames: t.frames, ocrCalls: t.ocrCalls,
});

const rect = (r: Rect): Rect => ({ x: r.x, y: r.y, w: r.w, h: r.h });
const describe = (r: Rect): string => `${r.w}×${r.h} at ${r.x},${r.y}`;
