// The demo's synthetic CCTV archive, made with the project's clip generator (ffmpeg lavfi: a static
// corridor with sensor noise, figures walking in and out, light changes, a ticking DVR clock and a
// camera label). It is never real footage. Besides the recordings it holds a re-encoded export of
// one recording and a trimmed fragment of another, so triage has near-duplicates to find.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MediaTools } from '@custodia/media';
import { dedupFixtures, makeCctvClip, type CctvClipSpec, type CctvEventSpec } from '@custodia/triage/testing';

export interface DemoCamera {
  key: string;
  /** The label burned into the picture (and the facility camera's overlay label). */
  label: string;
  name: string;
  unit: 'ward' | 'admin';
  seed: number;
}

/** Four cameras of a fictitious prison hospital, in two blocks. */
export const DEMO_CAMERAS: readonly DemoCamera[] = [
  { key: 'cam1', label: 'CAM 1  КОРИДОР', name: 'Camera 1: ward corridor', unit: 'ward', seed: 11 },
  { key: 'cam2', label: 'CAM 2  ПАЛАТА', name: 'Camera 2: ward room', unit: 'ward', seed: 12 },
  { key: 'cam3', label: 'CAM 3  ЛЕСТНИЦА', name: 'Camera 3: staircase', unit: 'admin', seed: 13 },
  { key: 'cam4', label: 'CAM 4  ДЕЖУРНАЯ', name: 'Camera 4: duty room', unit: 'admin', seed: 14 },
];

export interface DemoClip {
  /** Path relative to the footage folder. */
  relPath: string;
  camera: DemoCamera;
  kind: 'recording' | 're-encoded copy' | 'trimmed fragment';
  /** When figures are visible (seconds from the start of this file); the generator's ground truth. */
  events: { startSec: number; endSec: number }[];
  /** What the burned-in clock shows at the file's first frame (Unix seconds, UTC). */
  clockStartEpoch: number;
}

const BASE_EPOCH = Date.UTC(2024, 2, 15, 6, 0, 0) / 1000; // the synthetic clocks' first day (not a real date of anything)
const WIDTH = 640;
const HEIGHT = 360;
const FPS = 12;
const TRIM = { startSec: 6, durSec: 12 };

/** Recording `i`: camera, duration, events (mostly one or two walks; every fourth clip quiet). */
function recordingSpec(i: number): { camera: DemoCamera; spec: CctvClipSpec; relPath: string } {
  const camera = DEMO_CAMERAS[i % DEMO_CAMERAS.length]!;
  const durationSec = i < 2 ? 24 : 16 + (i % 3) * 2;
  const events: CctvEventSpec[] =
    i < 2
      ? // Two escorts (pairs of figures): enough movement for near-duplicate matching of its copies.
        [{ startSec: 3, endSec: 10, from: 'left', pair: true }, { startSec: 13, endSec: 21, from: 'right', pair: true, pauseSec: 2 }]
      : i % 4 === 3
        ? []
        : [{ startSec: 2 + (i % 3), endSec: 9 + (i % 3), pair: i % 5 === 2, pauseSec: i % 2 ? 2 : 0 }];
  const epoch = BASE_EPOCH + Math.floor(i / DEMO_CAMERAS.length) * 3 * 3600 + (i % DEMO_CAMERAS.length) * 137;
  const stamp = new Date(epoch * 1000).toISOString().slice(0, 16).replace('T', '_').replace(':', '-');
  const spec: CctvClipSpec = {
    durationSec,
    width: WIDTH,
    height: HEIGHT,
    fps: FPS,
    bitrateKbps: 300,
    noise: 6 + (i % 3) * 4,
    seed: camera.seed,
    events,
    label: camera.label,
    labelFontSize: 44,
    clock: { startEpoch: epoch, fontSize: 44, position: i % 2 ? 'top-right' : 'top-left' },
  };
  if (i % 4 === 1) spec.drift = { amplitude: 0.05, periodSec: 30 };
  if (i % 5 === 4) spec.lightsStep = { atSec: Math.round(durationSec * 0.6), delta: -0.25 };
  return { camera, spec, relPath: join(camera.key.toUpperCase(), `${stamp}.mp4`) };
}

/**
 * Writes `count` clips (at least 3) into `dir`: `count - 2` recordings, the re-encoded export of
 * the first and a trimmed fragment of the second. Two clips are made at a time.
 */
export async function makeDemoFootage(
  dir: string,
  count: number,
  tools: MediaTools,
  onClip?: (done: number, total: number, relPath: string) => void,
): Promise<DemoClip[]> {
  if (!Number.isInteger(count) || count < 3) throw new RangeError('the demo needs at least 3 clips');
  const recordings = Array.from({ length: count - 2 }, (_, i) => recordingSpec(i));
  for (const r of recordings) await mkdir(join(dir, r.camera.key.toUpperCase()), { recursive: true });
  let done = 0;
  const clips: DemoClip[] = [];
  const made = await dedupFixtures.inPool(recordings, 2, async (r) => {
    const clip = await makeCctvClip(join(dir, r.relPath), r.spec, { tools });
    onClip?.(++done, count, r.relPath);
    return { relPath: r.relPath, camera: r.camera, kind: 'recording' as const, events: clip.events, clockStartEpoch: (r.spec.clock as { startEpoch: number }).startEpoch };
  });
  clips.push(...made);
  const first = made[0]!;
  const second = made[Math.min(1, made.length - 1)]!;
  await mkdir(join(dir, 'export'), { recursive: true });
  await mkdir(join(dir, 'sent-later'), { recursive: true });
  const [copy, fragment] = await Promise.all([
    dedupFixtures.makeClipVariant(tools, join(dir, first.relPath), join(dir, 'export'), `${first.camera.key}_export_small`, { kind: 'resize', width: 320, height: 180 }),
    dedupFixtures.makeClipVariant(tools, join(dir, second.relPath), join(dir, 'sent-later'), `${second.camera.key}_fragment`, { kind: 'trim', ...TRIM }),
  ]);
  onClip?.(++done, count, 'export');
  onClip?.(++done, count, 'sent-later');
  clips.push({ relPath: join('export', `${first.camera.key}_export_small.mp4`), camera: first.camera, kind: 're-encoded copy', events: first.events, clockStartEpoch: first.clockStartEpoch });
  clips.push({
    relPath: join('sent-later', `${second.camera.key}_fragment.mp4`),
    camera: second.camera,
    kind: 'trimmed fragment',
    clockStartEpoch: second.clockStartEpoch + TRIM.startSec,
    events: second.events
      .map((e) => ({ startSec: Math.max(0, e.startSec - TRIM.startSec), endSec: Math.min(TRIM.durSec, e.endSec - TRIM.startSec) }))
      .filter((e) => e.endSec > e.startSec),
  });
  void copy;
  void fragment;
  return clips;
}
