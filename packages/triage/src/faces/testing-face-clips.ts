// Test clips for face detection, made with ffmpeg from face-api's own demo photos (shipped in the
// npm package, MIT): a still, CCTV-like scene with sensor noise, a photo of people shown in it for a
// known time at a known place, and the scene empty again. Where the photo's faces are is measured
// once by the detector on the still photo itself, so the ground truth does not depend on the clip.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { lastLines, runTool, type MediaTools } from '@custodia/media';

const require = createRequire(import.meta.url);

/** face-api's demo photos (1920 px wide JPEGs of groups of people). */
export function faceDemoPhoto(n: 1 | 2 | 3 | 4 | 5 | 6): string {
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', `sample${n}.jpg`);
}

export interface FaceClipSpec {
  photo: string;
  /** The photo's place and width in the 1280×720 frame (its height follows its aspect ratio). */
  x: number;
  y: number;
  width: number;
  /** Seconds: the photo shows from `fromSec` until just before `toSec`. */
  fromSec: number;
  toSec: number;
  durationSec: number;
}

export interface FaceClip {
  path: string;
  spec: FaceClipSpec;
  /** The photo's displayed size in the frame, pixels. */
  photoWidth: number;
  photoHeight: number;
}

const W = 1280;
const H = 720;

/** A dim, noisy, fixed scene: walls, a door frame, a floor line (what a corridor camera sees). */
const SCENE =
  `color=c=0x505050:s=${W}x${H}:r=10,` +
  `drawbox=x=0:y=520:w=${W}:h=200:color=0x3a3a3a:t=fill,` +
  `drawbox=x=980:y=140:w=180:h=380:color=0x2c2c2c:t=fill,` +
  `drawbox=x=970:y=130:w=200:h=390:color=0x6a6a6a:t=6`;

/** Makes an H.264 MP4 of the scene with `spec.photo` overlaid from `fromSec` to `toSec`. */
export async function makeFaceClip(tools: MediaTools, path: string, spec: FaceClipSpec): Promise<FaceClip> {
  const dims = await runTool(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', spec.photo], { maxStdoutBytes: 1000 });
  const [pw, ph] = dims.stdout.trim().split(',').map(Number);
  if (!pw || !ph) throw new Error(`cannot read the size of ${spec.photo}: ${lastLines(dims.stderrTail)}`);
  const photoHeight = 2 * Math.round((spec.width * ph) / pw / 2);
  const graph =
    `${SCENE}[bg];[0:v]scale=${spec.width}:${photoHeight},format=yuv420p[p];` +
    `[bg][p]overlay=x=${spec.x}:y=${spec.y}:enable='gte(t,${spec.fromSec})*lt(t,${spec.toSec})',noise=alls=18:allf=t,format=yuv420p[v]`;
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-y', '-loop', '1', '-framerate', '10', '-i', spec.photo,
    '-filter_complex', graph, '-map', '[v]', '-t', String(spec.durationSec), '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-g', '20', '-pix_fmt', 'yuv420p', path];
  const r = await runTool(tools.ffmpeg, args, { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`making the face clip failed: ${lastLines(r.stderrTail)}`);
  return { path, spec, photoWidth: spec.width, photoHeight };
}

/** A clip with no face at all: noisy colour bars drifting, or plain noise. */
export async function makeFacelessClip(tools: MediaTools, path: string, kind: 'noise' | 'colour', durationSec = 3): Promise<string> {
  const src = kind === 'noise'
    ? `color=c=gray:s=640x360:r=10,noise=alls=100:allf=t+u`
    : `testsrc2=s=640x360:r=10,hue=H=2*PI*t/3`;
  const r = await runTool(tools.ffmpeg, ['-nostdin', '-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', src, '-t', String(durationSec), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`making the ${kind} clip failed: ${lastLines(r.stderrTail)}`);
  return path;
}

/** Maps boxes measured on the still photo (fractions of the photo) to fractions of the clip's frame. */
export function photoBoxesInClip(clip: FaceClip, boxes: readonly { x: number; y: number; w: number; h: number }[]): { x: number; y: number; w: number; h: number }[] {
  return boxes.map((b) => ({
    x: (clip.spec.x + b.x * clip.photoWidth) / W,
    y: (clip.spec.y + b.y * clip.photoHeight) / H,
    w: (b.w * clip.photoWidth) / W,
    h: (b.h * clip.photoHeight) / H,
  }));
}
