// A test clip for redaction, drawn by ffmpeg (lavfi), not a recording: a detailed test pattern
// (testsrc2) as the scene, a smaller patterned square (testsrc) moving left to right at a known
// speed as the thing to hide, a 440 Hz tone as the sound, and metadata that must not survive.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MediaTools } from '../media-tools.js';
import { fileUrl } from '../media-tools.js';
import { lastLines, runTool } from '../run-tool.js';

export const REDACTION_CLIP = { width: 320, height: 240, fps: 25, durationSec: 4, square: 48, y: 90, x0: 20, speed: 60 } as const;

/** The moving square's top-left corner (pixels) at `t` seconds. */
export const squareAt = (t: number): { x: number; y: number } => ({ x: REDACTION_CLIP.x0 + REDACTION_CLIP.speed * t, y: REDACTION_CLIP.y });

export async function makeRedactionClip(tools: MediaTools, dir: string, opts: { width?: number; height?: number; durationSec?: number } = {}): Promise<string> {
  const c = { ...REDACTION_CLIP, ...opts };
  const out = join(dir, `moving-square-${c.width}x${c.height}-${c.durationSec}s.mp4`);
  const graph = `testsrc2=s=${c.width}x${c.height}:r=${c.fps}:d=${c.durationSec}[bg];testsrc=s=${c.square}x${c.square}:r=${c.fps}:d=${c.durationSec}[sq];` +
    `[bg][sq]overlay=x='${c.x0}+${c.speed}*t':y=${c.y}:eval=frame,format=yuv420p[v];sine=f=440:sample_rate=48000:d=${c.durationSec}[a]`;
  const r = await runTool(tools.ffmpeg, ['-nostdin', '-hide_banner', '-v', 'error', '-filter_complex', graph, '-map', '[v]', '-map', '[a]',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '12', '-g', '25', '-c:a', 'aac', '-b:a', '128k',
    '-metadata', 'title=Cell block 4 interview', '-metadata', 'creation_time=2024-03-15T14:22:01Z', '-metadata', 'comment=operator: I. Petrov', '-y', fileUrl(out)], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`could not make the redaction clip: ${lastLines(r.stderrTail)}`);
  return out;
}

/** Every frame decoded to 8-bit grey (one byte per pixel), in order. */
export async function decodeGreyFrames(tools: MediaTools, file: string, width: number, height: number): Promise<Buffer[]> {
  const raw = `${file}.${width}x${height}.grey`;
  const r = await runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-i', fileUrl(file), '-map', '0:v:0', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${width}x${height}`, '-y', fileUrl(raw)], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`could not decode ${file}: ${lastLines(r.stderrTail)}`);
  const bytes = await readFile(raw);
  await rm(raw, { force: true });
  const size = width * height;
  const frames: Buffer[] = [];
  for (let off = 0; off + size <= bytes.length; off += size) frames.push(bytes.subarray(off, off + size));
  return frames;
}

/** The first audio track decoded to mono 16-bit samples at `rate` Hz. */
export async function decodeMonoSamples(tools: MediaTools, file: string, rate = 8000): Promise<Int16Array> {
  const raw = `${file}.pcm`;
  const r = await runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-i', fileUrl(file), '-map', '0:a:0', '-ac', '1', '-ar', String(rate), '-f', 's16le', '-y', fileUrl(raw)], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`could not decode the audio of ${file}: ${lastLines(r.stderrTail)}`);
  const b = await readFile(raw);
  await rm(raw, { force: true });
  return new Int16Array(b.buffer, b.byteOffset, Math.floor(b.length / 2));
}

/** Root-mean-square level of samples [from, to) seconds (0..32767). */
export function rmsBetween(samples: Int16Array, rate: number, from: number, to: number): number {
  const a = Math.max(0, Math.floor(from * rate));
  const z = Math.min(samples.length, Math.floor(to * rate));
  let sum = 0;
  for (let i = a; i < z; i++) sum += samples[i]! * samples[i]!;
  return z > a ? Math.sqrt(sum / (z - a)) : 0;
}

/** PSNR (dB) of two grey frames over the pixels where `mask(x, y)` is true, and the mean absolute difference there. */
export function maskedCompare(a: Buffer, b: Buffer, width: number, mask: (x: number, y: number) => boolean): { psnr: number; meanAbs: number; pixels: number } {
  let se = 0;
  let ae = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    if (!mask(x, y)) continue;
    const d = a[i]! - b[i]!;
    se += d * d;
    ae += Math.abs(d);
    n += 1;
  }
  const mse = n > 0 ? se / n : 0;
  return { psnr: mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse), meanAbs: n > 0 ? ae / n : 0, pixels: n };
}
