// A test set of synthetic CCTV clips for the activity benchmark: varied codecs, noise, light
// changes, clocks and events, each recipe reproducible from its index.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { locateMediaTools, type MediaTools } from '@custodia/media';
import { hasEncoder } from '@custodia/media/testing';
import { cctvRandom, makeCctvClip, type CctvClip, type CctvClipSpec, type CctvCodec, type CctvEventSpec } from './cctv-fixtures.js';

export interface CctvTestSetOptions {
  /** Number of clips (≥ 20 recommended). Default 20. */
  count?: number;
  tools?: MediaTools;
  signal?: AbortSignal;
  /** Clips made at once. Default 2. */
  concurrency?: number;
  /** Scales every clip's length (events scale with it). Default 1: clips of 30–60 s. */
  lengthScale?: number;
  /** Called after each clip is written. */
  onClip?: (clip: CctvClip, done: number, total: number) => void;
  /** Leave HEVC out (also automatic when ffmpeg has no libx265). */
  noHevc?: boolean;
}

export interface CctvTestSet {
  dir: string;
  clips: CctvClip[];
  generationSec: number;
}

/** The recipe of clip `i` of a test set: a deterministic mix of codecs, noise, light and events. */
export function cctvTestSetSpec(i: number, lengthScale = 1, hevc = true): { name: string; spec: CctvClipSpec } {
  const rnd = cctvRandom(1000 + i * 31);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  // Codec/container cycle: mostly H.264 MP4 (what DVR exports are), some HEVC, MJPEG AVI, VP9 WebM
  // (phone and web exports), a raw .h264 elementary stream and an MPEG-TS.
  const kinds = [
    { codec: 'h264', ext: 'mp4' }, { codec: 'h264', ext: 'mp4' }, { codec: 'hevc', ext: 'mkv' }, { codec: 'h264', ext: 'mp4' },
    { codec: 'mjpeg', ext: 'avi' }, { codec: 'h264', ext: 'mp4' }, { codec: 'h264', ext: 'h264' }, { codec: 'hevc', ext: 'mp4' },
    { codec: 'h264', ext: 'ts' }, { codec: 'vp9', ext: 'webm' },
  ] as const;
  let kind: { codec: CctvCodec; ext: string } = kinds[i % kinds.length]!;
  if (kind.codec === 'hevc' && !hevc) kind = { codec: 'h264', ext: kind.ext };
  const d = Math.round((kind.codec === 'hevc' ? 30 : 40 + Math.floor(rnd() * 3) * 10) * lengthScale);
  const noise = [3, 8, 14, 22][i % 4]!;
  const events: CctvEventSpec[] = [];
  // Every fifth clip has no event at all (for precision).
  if (i % 5 !== 3) {
    const nEvents = 1 + Math.floor(rnd() * 3);
    let t = 3 + rnd() * 6;
    for (let k = 0; k < nEvents && t < d - 5; k += 1) {
      const len = Math.min(d - 1 - t, 3 + rnd() * 12);
      if (len < 3) break;
      events.push({
        startSec: Math.round(t * 10) / 10,
        endSec: Math.round((t + len) * 10) / 10,
        pauseSec: rnd() < 0.3 ? Math.round(len * 0.4) : 0,
        pair: rnd() < 0.2,
      });
      t += len + 4 + rnd() * 10;
    }
  }
  const spec: CctvClipSpec = {
    durationSec: d,
    codec: kind.codec,
    bitrateKbps: kind.codec === 'hevc' ? pick([150, 400]) : pick([150, 250, 600, 2000]),
    mjpegQuality: pick([5, 10, 16]),
    gopSec: kind.codec === 'mjpeg' ? 1 : i % 7 === 5 ? 4 : pick([1, 2, 2]),
    noise,
    events,
    seed: i + 1,
    clock: i % 6 === 4 ? false : {
      position: (['top-left', 'top-right', 'bottom-right', 'top-left'] as const)[i % 4]!,
      startEpoch: 1710512400 + Math.floor(rnd() * 86400),
      box: i % 3 === 1,
      fontSize: pick([24, 28, 36]),
    },
    label: i % 4 === 2 ? 'CAM 12' : 'CAM 3  КАМЕРА 3',
  };
  if (i % 3 === 0) spec.drift = { amplitude: 0.04 + rnd() * 0.06, periodSec: 20 + rnd() * 40 };
  if (i % 4 === 1) {
    // Lights on (or off), away from the events' edges.
    let at = d * (0.3 + rnd() * 0.4);
    for (const e of events) if (at > e.startSec - 2 && at < e.endSec + 2) at = Math.min(d - 2, e.endSec + 2.5);
    spec.lightsStep = { atSec: Math.round(at * 10) / 10, delta: rnd() < 0.75 ? -(0.2 + rnd() * 0.15) : 0.2 };
  }
  return { name: `cctv-${String(i).padStart(2, '0')}.${kind.ext}`, spec };
}

/** Writes `count` clips into `dir` (mixed codecs, noise, drift, lights-on steps, clocks; some with no event). */
export async function makeCctvTestSet(dir: string, opts: CctvTestSetOptions = {}): Promise<CctvTestSet> {
  const count = opts.count ?? 20;
  const tools = opts.tools ?? (await locateMediaTools());
  await mkdir(dir, { recursive: true });
  const hevc = !opts.noHevc && (await hasEncoder(tools, 'libx265'));
  const started = Date.now();
  const recipes = Array.from({ length: count }, (_, i) => cctvTestSetSpec(i, opts.lengthScale ?? 1, hevc));
  const clips: CctvClip[] = new Array(count);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const r = recipes[i]!;
      const clip = await makeCctvClip(join(dir, r.name), r.spec, { tools, signal: opts.signal });
      clips[i] = clip;
      done += 1;
      opts.onClip?.(clip, done, count);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  return { dir, clips, generationSec: (Date.now() - started) / 1000 };
}
