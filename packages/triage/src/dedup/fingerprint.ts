// Perceptual video fingerprints: one 64-bit hash per sampled frame (1 frame/s by default), from
// 32×32 gray frames that ffmpeg decodes, samples and scales. Memory stays constant however long the
// file: frames are hashed as they stream out of ffmpeg and only the hashes (8 bytes/s) are kept.
import { fileUrl, inputOptionsFor, lastLines, MediaProcessError, safeInputOptions, type MediaTools } from '@custodia/media';
import { FRAME_SIZE, hashFrame, hashToHex, type HashAlgorithm } from './frame-hash.js';
import { streamRawFrames } from './frame-stream.js';

export interface VideoFingerprint {
  version: 1;
  /** Hashes per second: hash k describes the picture around k / fps seconds. */
  fps: number;
  /**
   * One 64-bit perceptual hash per sampled frame, as 16 lowercase hex characters (JSON-safe).
   * '0000000000000000' marks a blank (near-uniform) frame that carries no information.
   */
  hashes: string[];
  /** Seconds covered by the hashes (hashes.length / fps). */
  durationSec: number;
  /** Hash function; absent means 'phash'. Fingerprints of different algorithms never match. */
  algorithm?: HashAlgorithm;
}

export interface FingerprintOptions {
  /** Hashes per second. Default 2 (DEFAULT_FINGERPRINT_FPS; 1 s sampling misaligns moving people in trimmed copies, see README). */
  fps?: number;
  signal?: AbortSignal;
  /** 'phash' (default: measured more robust, see README) or 'dhash'. */
  algorithm?: HashAlgorithm;
  /**
   * What @custodia/media's probe found (container and frame rate): raw elementary streams (.h264,
   * .hevc) are then read with their demuxer and real frame rate. Without it ffmpeg guesses.
   */
  probe?: { container: string | null; video: { fps: number | null } | null; durationSec?: number | null };
  /** Decoder threads. Default 1 (many files are fingerprinted side by side). */
  threads?: number;
  /** Kill ffmpeg after this long. Default 10 min + the probed duration (decoding runs ≥ 7× real time), or 6 h without a probe. */
  timeoutMs?: number;
  /** Test hook: the ffmpeg process id. */
  onSpawn?: (pid: number) => void;
}

/** Hashes per second unless told otherwise. */
export const DEFAULT_FINGERPRINT_FPS = 2;

/**
 * The filter graph: sample at 4 × fps, shrink to 32×32 gray with area averaging (the same picture
 * whatever the source resolution), blend each sample with its neighbours (triangular weights over
 * 1.5 sampling intervals), keep fps frames per second. The blend makes a hash describe a short
 * stretch of time rather than one instant: a copy sampled a fraction of an interval later (a clip
 * cut at an arbitrary time, another frame rate) then hashes nearly the same, and a person crossing
 * between two samples still leaves a trace.
 */
export function fingerprintFilter(fps: number): string {
  return `fps=${4 * fps},scale=${FRAME_SIZE}:${FRAME_SIZE}:flags=area,format=gray,tmix=frames=6:weights=1 2 3 3 2 1,fps=${fps}`;
}

function checkFps(fps: number): void {
  if (!(Number.isFinite(fps) && fps > 0 && fps <= 30)) throw new RangeError(`fps must be in (0, 30], got ${fps}`);
}

/** The ffmpeg arguments fingerprintVideo runs (exported for the record and for tests). */
export function fingerprintArgs(input: string, opts: Pick<FingerprintOptions, 'fps' | 'probe' | 'threads'> = {}): string[] {
  const fps = opts.fps ?? DEFAULT_FINGERPRINT_FPS;
  checkFps(fps);
  const threads = String(Math.max(1, Math.floor(opts.threads ?? 1)));
  // Raw elementary streams: the demuxer stamps packets at the probed rate ('packets'). The other mode
  // (-fflags +genpts -r) was measured to hand the fps filter timestamps that make it emit ~1000× too
  // many frames on a raw H.264 stream with B-frames.
  const inputOpts = opts.probe ? inputOptionsFor(opts.probe.container, opts.probe.video?.fps ?? null, 'packets') : safeInputOptions();
  return [
    '-nostdin', '-hide_banner', '-v', 'error', '-nostats',
    '-threads', threads, '-filter_threads', '1',
    ...inputOpts, '-i', fileUrl(input),
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', fingerprintFilter(fps),
    '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1',
  ];
}

/**
 * Decodes `input` at `fps` frames per second into 32×32 gray frames and hashes each one.
 * Throws MediaProcessError when ffmpeg fails or yields no frame, the signal's reason on abort.
 */
export async function fingerprintVideo(tools: MediaTools, input: string, opts: FingerprintOptions = {}): Promise<VideoFingerprint> {
  const fps = opts.fps ?? DEFAULT_FINGERPRINT_FPS;
  const algorithm = opts.algorithm ?? 'phash';
  const args = fingerprintArgs(input, opts);
  const hashes: string[] = [];
  const r = await streamRawFrames(tools.ffmpeg, args, FRAME_SIZE * FRAME_SIZE, (frame) => {
    const [hi, lo] = hashFrame(frame, algorithm);
    hashes.push(hashToHex(hi, lo));
  }, { signal: opts.signal, timeoutMs: opts.timeoutMs ?? defaultTimeoutMs(opts.probe?.durationSec), onSpawn: opts.onSpawn });
  if (r.code !== 0) {
    throw new MediaProcessError(`ffmpeg could not decode ${input} for fingerprinting (exit code ${r.code ?? r.killedBy})`, 'ffmpeg', args, r.code, lastLines(r.stderrTail));
  }
  if (hashes.length === 0) {
    throw new MediaProcessError(`ffmpeg decoded no video frame from ${input}`, 'ffmpeg', args, r.code, lastLines(r.stderrTail));
  }
  return makeFingerprint(hashes, fps, algorithm);
}

function defaultTimeoutMs(durationSec: number | null | undefined): number {
  return durationSec !== undefined && durationSec !== null && Number.isFinite(durationSec) && durationSec > 0 ? 10 * 60_000 + durationSec * 1000 : 6 * 3600_000;
}

function makeFingerprint(hashes: string[], fps: number, algorithm: HashAlgorithm): VideoFingerprint {
  const fp: VideoFingerprint = { version: 1, fps, hashes, durationSec: Math.round((hashes.length / fps) * 1000) / 1000 };
  if (algorithm !== 'phash') fp.algorithm = algorithm;
  return fp;
}

/** Box-filters a width×height gray frame to 32×32. */
export function resampleTo32(px: Uint8Array, width: number, height: number): Uint8Array {
  if (px.length !== width * height) throw new RangeError(`frame has ${px.length} bytes, expected ${width}×${height}`);
  if (width === FRAME_SIZE && height === FRAME_SIZE) return px;
  const out = new Uint8Array(FRAME_SIZE * FRAME_SIZE);
  const sx = width / FRAME_SIZE;
  const sy = height / FRAME_SIZE;
  for (let oy = 0; oy < FRAME_SIZE; oy++) {
    const y0 = oy * sy;
    const y1 = y0 + sy;
    for (let ox = 0; ox < FRAME_SIZE; ox++) {
      const x0 = ox * sx;
      const x1 = x0 + sx;
      let s = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.ceil(x1); x++) s += px[y * width + x]! * wy * (Math.min(x + 1, x1) - Math.max(x, x0));
      }
      out[oy * FRAME_SIZE + ox] = Math.round(s / (sx * sy));
    }
  }
  return out;
}

/**
 * The fingerprint of frames already decoded and sampled at `fps` (tests, other decoders): each
 * frame is `size` (a side, or width×height) 8-bit gray, resampled to 32×32 when it is not already.
 */
export function fingerprintFromFrames(
  frames: readonly Uint8Array[],
  size: number | { width: number; height: number } = FRAME_SIZE,
  opts: { fps?: number; algorithm?: HashAlgorithm } = {},
): VideoFingerprint {
  const fps = opts.fps ?? DEFAULT_FINGERPRINT_FPS;
  checkFps(fps);
  const algorithm = opts.algorithm ?? 'phash';
  const { width, height } = typeof size === 'number' ? { width: size, height: size } : size;
  const hashes = frames.map((f) => {
    const [hi, lo] = hashFrame(resampleTo32(f, width, height), algorithm);
    return hashToHex(hi, lo);
  });
  return makeFingerprint(hashes, fps, algorithm);
}
