// Test and bench clips for near-duplicate detection, made with ffmpeg's lavfi sources (no downloaded
// samples): CCTV-like static scenes (a corridor, a yard) with a burned-in clock, sensor noise and
// "people" (boxes) crossing at chosen times, and the ways a DVR export gets copied: re-encoded at
// another bitrate, resized, MJPEG, HEVC, brightened, trimmed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lastLines, runTool, type MediaTools } from '@custodia/media';

export interface BoxEvent {
  /** Seconds from the start of the recording. */
  startSec: number;
  /** Seconds the box takes to cross the frame. */
  durSec: number;
  y: number;
  w: number;
  h: number;
  /** ffmpeg colour, e.g. '0x202020'. */
  color: string;
  direction?: 'ltr' | 'rtl';
}

export type SceneKind = 'corridor' | 'yard' | 'cell' | 'testsrc2' | 'life';

export interface SceneSpec {
  scene: SceneKind;
  seconds: number;
  events?: BoxEvent[];
  /** Burned-in clock start, seconds since 1970 (CCTV overlay); omitted = no clock. */
  clockEpoch?: number;
  /** Sensor-noise seed (different recordings get different noise). */
  seed?: number;
}

export type ClipVariant =
  | { kind: 'bitrate'; kbps: number }
  | { kind: 'resize'; width: number; height: number }
  | { kind: 'mjpeg' }
  | { kind: 'hevc' }
  | { kind: 'vp9' }
  /** A raw H.264 elementary stream with B-frames (no container, no timestamps). */
  | { kind: 'raw-h264' }
  | { kind: 'brightness'; brightness: number; contrast: number }
  | { kind: 'trim'; startSec: number; durSec: number }
  | { kind: 'trim-copy'; startSec: number; durSec: number };

const CLOCK_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf';

async function ff(tools: MediaTools, args: string[]): Promise<void> {
  const full = ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args];
  const r = await runTool(tools.ffmpeg, full, { timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`clip: ffmpeg ${full.join(' ')} failed: ${lastLines(r.stderrTail)}`);
}

/** The lavfi graph of a scene, 320×240 at 25 fps (boxes are overlaid sources: ffmpeg 5.1's drawbox has no `t`). */
export function sceneGraph(spec: SceneSpec): string {
  const { seconds } = spec;
  const W = 320;
  const seed = spec.seed ?? 1;
  const base: string[] = [];
  switch (spec.scene) {
    case 'corridor':
      base.push(`color=c=0x6a6a6a:s=320x240:r=25:d=${seconds}`, 'drawgrid=w=40:h=30:t=1:c=0x3a3a3a',
        'drawbox=x=20:y=130:w=60:h=100:color=0x505a64:t=fill', 'drawbox=x=240:y=120:w=50:h=110:color=0x7d6a55:t=fill',
        'drawbox=x=0:y=200:w=320:h=40:color=0x4a4a4a:t=fill');
      break;
    case 'yard':
      base.push(`color=c=0x8a8f80:s=320x240:r=25:d=${seconds}`, 'drawbox=x=0:y=0:w=320:h=70:color=0xb8c0c8:t=fill',
        'drawbox=x=200:y=40:w=110:h=120:color=0x5a4030:t=fill', 'drawgrid=w=80:h=240:t=2:c=0x303030');
      break;
    case 'cell':
      base.push(`color=c=0x4a4640:s=320x240:r=25:d=${seconds}`, 'drawbox=x=0:y=170:w=320:h=70:color=0x2e2c2a:t=fill',
        'drawbox=x=20:y=120:w=130:h=60:color=0x6e6250:t=fill', 'drawgrid=w=24:h=240:t=3:c=0x1a1a1a', 'drawbox=x=230:y=30:w=60:h=40:color=0x9a9a8a:t=fill');
      break;
    case 'testsrc2':
      base.push(`testsrc2=s=320x240:r=25:d=${seconds}`);
      break;
    case 'life':
      base.push(`life=s=320x240:r=25:mold=10:ratio=0.2:seed=${seed}:death_color=#402020:life_color=#a0f0a0`, `trim=duration=${seconds}`, 'format=yuv420p');
      break;
  }
  const chains: string[] = [`${base.join(',')}[s0]`];
  const events = spec.events ?? [];
  events.forEach((e, i) => {
    const end = e.startSec + e.durSec;
    const travel = W + e.w;
    const p = `(t-${e.startSec})/${e.durSec}`;
    const x = e.direction === 'rtl' ? `${W}-${p}*${travel}` : `${p}*${travel}-${e.w}`;
    chains.push(`color=c=${e.color}:s=${e.w}x${e.h}:r=25:d=${seconds}[b${i}]`);
    chains.push(`[s${i}][b${i}]overlay=x='${x}':y=${e.y}:enable='between(t,${e.startSec},${end})':eof_action=pass[s${i + 1}]`);
  });
  const tail: string[] = [];
  if (spec.scene === 'corridor' || spec.scene === 'yard' || spec.scene === 'cell') tail.push(`noise=alls=10:allf=t:all_seed=${seed}`);
  if (spec.clockEpoch !== undefined && existsSync(CLOCK_FONT)) {
    tail.push(`drawtext=fontfile=${CLOCK_FONT}:fontsize=12:fontcolor=white:x=6:y=6:text='CAM 3  %{pts\\:gmtime\\:${Math.floor(spec.clockEpoch)}\\:%Y-%m-%d %H\\\\\\:%M\\\\\\:%S}'`);
  }
  tail.push('format=yuv420p');
  chains.push(`[s${events.length}]${tail.join(',')}[out0]`);
  return chains.join(';');
}

/** Renders a scene as the "original" DVR export: 320×240 H.264, 2-s GOPs, no B-frames. */
export async function makeSceneClip(tools: MediaTools, dir: string, name: string, spec: SceneSpec): Promise<string> {
  const out = join(dir, `${name}.mp4`);
  await ff(tools, ['-f', 'lavfi', '-i', sceneGraph(spec), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-g', '50', '-sc_threshold', '0', '-bf', '0',
    '-pix_fmt', 'yuv420p', '-movflags', '+faststart', out]);
  return out;
}

/** Another export of `src`: same pictures, other encoding (or a trimmed part). */
export async function makeClipVariant(tools: MediaTools, src: string, dir: string, name: string, v: ClipVariant): Promise<string> {
  const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  switch (v.kind) {
    case 'bitrate': {
      const out = join(dir, `${name}.mp4`);
      await ff(tools, ['-i', src, ...x264, '-b:v', `${v.kbps}k`, '-maxrate', `${v.kbps}k`, '-bufsize', `${2 * v.kbps}k`, out]);
      return out;
    }
    case 'resize': {
      const out = join(dir, `${name}.mp4`);
      await ff(tools, ['-i', src, '-vf', `scale=${v.width}:${v.height},setsar=1`, ...x264, '-crf', '26', out]);
      return out;
    }
    case 'mjpeg': {
      const out = join(dir, `${name}.avi`);
      await ff(tools, ['-i', src, '-c:v', 'mjpeg', '-q:v', '8', '-pix_fmt', 'yuvj420p', '-r', '12', out]);
      return out;
    }
    case 'hevc': {
      const out = join(dir, `${name}.mkv`);
      await ff(tools, ['-i', src, '-c:v', 'libx265', '-preset', 'ultrafast', '-crf', '32', '-x265-params', 'log-level=error', '-pix_fmt', 'yuv420p', out]);
      return out;
    }
    case 'vp9': {
      const out = join(dir, `${name}.webm`);
      await ff(tools, ['-i', src, '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '200k', out]);
      return out;
    }
    case 'raw-h264': {
      const out = join(dir, `${name}.h264`);
      await ff(tools, ['-i', src, '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-f', 'h264', out]);
      return out;
    }
    case 'brightness': {
      const out = join(dir, `${name}.mp4`);
      await ff(tools, ['-i', src, '-vf', `eq=brightness=${v.brightness}:contrast=${v.contrast}`, ...x264, '-crf', '24', out]);
      return out;
    }
    case 'trim': {
      const out = join(dir, `${name}.mp4`);
      await ff(tools, ['-ss', String(v.startSec), '-i', src, '-t', String(v.durSec), ...x264, '-crf', '24', out]);
      return out;
    }
    case 'trim-copy': {
      // Stream copy: the cut snaps to the keyframe at or before startSec.
      const out = join(dir, `${name}.mp4`);
      await ff(tools, ['-ss', String(v.startSec), '-i', src, '-t', String(v.durSec), '-c', 'copy', '-avoid_negative_ts', 'make_zero', out]);
      return out;
    }
  }
}

/** Runs `fn` over `items` with at most `n` at a time. */
export async function inPool<T, R>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  }));
  return out;
}

const E = (startSec: number, durSec: number, y: number, w: number, h: number, color: string, direction: 'ltr' | 'rtl' = 'ltr'): BoxEvent =>
  ({ startSec, durSec, y, w, h, color, direction });

/** Distinct recordings the thresholds were tuned on (dedup.test.ts uses them; the bench uses others). */
export const CORPUS_RECORDINGS: Record<string, SceneSpec> = {
  // The same corridor camera on three occasions: people at different times, of different sizes and speeds.
  corridor1: { scene: 'corridor', seconds: 40, seed: 1, clockEpoch: 1710512521,
    events: [E(2, 5, 100, 40, 100, '0x202020'), E(10, 6, 110, 50, 90, '0x2a3050', 'rtl'), E(17, 5, 90, 35, 110, '0xc0b0a0'), E(25, 6, 100, 45, 100, '0x303030', 'rtl'), E(33, 5, 95, 40, 105, '0x604030')] },
  corridor2: { scene: 'corridor', seconds: 40, seed: 2, clockEpoch: 1710599000,
    events: [E(5, 4, 104, 36, 96, '0x282828'), E(14, 4, 105, 45, 95, '0x503020', 'rtl'), E(22, 7, 96, 42, 104, '0x181818'), E(30, 5, 90, 55, 110, '0x9090a0', 'rtl')] },
  corridor3: { scene: 'corridor', seconds: 30, seed: 4, clockEpoch: 1710700000,
    events: [E(8, 5, 100, 40, 100, '0x383040', 'rtl'), E(19, 6, 108, 30, 92, '0x101010')] },
  yard1: { scene: 'yard', seconds: 30, seed: 3, clockEpoch: 1710512521, events: [E(3, 6, 120, 30, 80, '0x202020'), E(12, 5, 130, 40, 70, '0x803030', 'rtl'), E(21, 6, 125, 35, 75, '0x202060')] },
  yard2: { scene: 'yard', seconds: 30, seed: 6, clockEpoch: 1710800000, events: [E(6, 7, 115, 34, 86, '0x303030', 'rtl'), E(18, 5, 135, 44, 66, '0x704040')] },
  testsrc: { scene: 'testsrc2', seconds: 30 },
  life: { scene: 'life', seconds: 30, seed: 7 },
};

/** People crossing at random moments (seeded): one every ~`everySec` seconds, 3–7 s each, varied in size, shade and direction. */
export function randomEvents(seed: number, seconds: number, everySec = 9): BoxEvent[] {
  let a = seed >>> 0;
  const rnd = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: BoxEvent[] = [];
  let t = 1 + rnd() * everySec * 0.6;
  while (t < seconds - 3) {
    const dur = 3 + rnd() * 4;
    const h = Math.round(70 + rnd() * 60);
    const shade = Math.round(rnd() < 0.6 ? 16 + rnd() * 60 : 150 + rnd() * 90);
    const tint = (v: number): string => Math.max(0, Math.min(255, v)).toString(16).padStart(2, '0');
    out.push({
      startSec: Math.round(t * 10) / 10,
      durSec: Math.round(dur * 10) / 10,
      y: Math.round(200 - h - rnd() * 20),
      w: Math.round(25 + rnd() * 35),
      h,
      color: `0x${tint(shade + Math.round(rnd() * 30 - 15))}${tint(shade)}${tint(shade + Math.round(rnd() * 30 - 15))}`,
      direction: rnd() < 0.5 ? 'ltr' : 'rtl',
    });
    t += dur + 1 + rnd() * everySec;
  }
  return out;
}

export interface BenchClip {
  id: string;
  /** Copies of one recording share it. */
  recording: string;
  /** Where the clip starts within its recording, seconds. */
  startSec: number;
  file: string;
}

/**
 * The bench's clips (kept apart from the tuning clips of CORPUS_RECORDINGS: other scenes, other
 * people, other cut points): 8 recordings — three of one corridor camera, two of a cell, two of a
 * yard, one busy moving scene — and 11 exports each of four of them (bitrates, sizes, codecs,
 * brightness, trims at arbitrary times, a keyframe-aligned stream-copy trim, a trim of a re-encode).
 */
export async function makeBenchCorpus(tools: MediaTools, dir: string, parallel = 2, onClip?: (id: string) => void): Promise<BenchClip[]> {
  const recordings: Record<string, SceneSpec> = {
    corridorX1: { scene: 'corridor', seconds: 45, seed: 101, clockEpoch: 1711000000, events: randomEvents(101, 45) },
    corridorX2: { scene: 'corridor', seconds: 45, seed: 102, clockEpoch: 1711090000, events: randomEvents(102, 45) },
    corridorX3: { scene: 'corridor', seconds: 45, seed: 103, clockEpoch: 1711180000, events: randomEvents(103, 45) },
    cellY1: { scene: 'cell', seconds: 40, seed: 201, clockEpoch: 1712000000, events: randomEvents(201, 40, 11) },
    cellY2: { scene: 'cell', seconds: 40, seed: 202, clockEpoch: 1712050000, events: randomEvents(202, 40, 11) },
    yardZ1: { scene: 'yard', seconds: 40, seed: 301, clockEpoch: 1713000000, events: randomEvents(301, 40, 7) },
    yardZ2: { scene: 'yard', seconds: 40, seed: 302, clockEpoch: 1713070000, events: randomEvents(302, 40, 7) },
    busyW: { scene: 'life', seconds: 30, seed: 401 },
  };
  const variants: [string, ClipVariant, string?][] = [
    ['b150k', { kind: 'bitrate', kbps: 150 }],
    ['r1280x720', { kind: 'resize', width: 1280, height: 720 }],
    ['r176x144', { kind: 'resize', width: 176, height: 144 }],
    ['hevc', { kind: 'hevc' }],
    ['mjpeg', { kind: 'mjpeg' }],
    ['vp9', { kind: 'vp9' }],
    ['bright', { kind: 'brightness', brightness: -0.06, contrast: 1.2 }],
    ['trim5.7', { kind: 'trim', startSec: 5.7, durSec: 11 }],
    ['trim19.3', { kind: 'trim', startSec: 19.3, durSec: 14 }],
    ['copy10', { kind: 'trim-copy', startSec: 10, durSec: 12 }],
    ['hevc-trim8.2', { kind: 'trim', startSec: 8.2, durSec: 9 }, 'hevc'],
  ];
  const clips: BenchClip[] = [];
  const masters = new Map<string, string>();
  await inPool(Object.entries(recordings), parallel, async ([rec, spec]) => {
    const file = join(dir, `${rec}.mp4`);
    masters.set(rec, existsSync(file) ? file : await makeSceneClip(tools, dir, rec, spec));
    clips.push({ id: rec, recording: rec, startSec: 0, file: masters.get(rec)! });
    onClip?.(rec);
  });
  const copied = ['corridorX1', 'cellY1', 'yardZ1', 'busyW'];
  const jobs = copied.flatMap((rec) => variants.map(([name, v, from]) => ({ rec, name, v, from })));
  // Trims of re-encodes need the re-encode first.
  for (const wave of [jobs.filter((j) => !j.from), jobs.filter((j) => j.from)]) {
    await inPool(wave, parallel, async ({ rec, name, v, from }) => {
      const id = `${rec}-${name}`;
      const src = from ? clips.find((c) => c.id === `${rec}-${from}`)!.file : masters.get(rec)!;
      const ext = v.kind === 'mjpeg' ? 'avi' : v.kind === 'hevc' ? 'mkv' : v.kind === 'vp9' ? 'webm' : 'mp4';
      const file = join(dir, `${id}.${ext}`);
      const made = existsSync(file) ? file : await makeClipVariant(tools, src, dir, id, v);
      clips.push({ id, recording: rec, startSec: v.kind === 'trim' || v.kind === 'trim-copy' ? v.startSec : 0, file: made });
      onClip?.(id);
    });
  }
  return clips.sort((x, y) => (x.id < y.id ? -1 : 1));
}
