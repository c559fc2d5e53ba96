// Face boxes on sampled frames of a video, for triage ("who is visible when") and, later, the
// redaction suggestions. ffmpeg decodes the first video stream at `sampleFps` frames per second,
// scaled to fit 1280×720 at its display aspect ratio (never up), into RGB frames on a pipe; each
// frame goes to a worker thread running face-api on TensorFlow.js (wasm backend), two frames in
// flight on two cores. Nothing leaves the machine; nothing of the frames is logged or kept but boxes.
import { availableParallelism } from 'node:os';
import {
  abortReason,
  fileUrl,
  forcedInputFormat,
  isRawStream,
  lastLines,
  MediaInputError,
  probe as probeMedia,
  safeInputOptions,
  type MediaProbe,
  type MediaTools,
} from '@custodia/media';
import { z } from 'zod';
import { detectInPool } from './face-worker.pool.js';
import type { FaceBackend } from './face-runtime.js';
import type { FaceBox } from './face-boxes.js';
import { FACE_PROFILES, modelName, PROFILE_SPECS, type DetectorSpec, type FaceProfile } from './face-profiles.js';
import { streamPpmFrames } from './ppm-frame.stream.js';

export interface FaceDetectOptions {
  /** 'standard' (default): SSD MobileNet v1; 'thorough': plus tiles (small faces); 'fast': Tiny 416. */
  profile?: FaceProfile;
  /** Frames analysed per second of video (default 1). */
  sampleFps?: number;
  /** The largest analysis size (default 1280×720); frames are never enlarged. */
  maxWidth?: number;
  maxHeight?: number;
  /** Frames in flight, one worker thread each (default: 2 on a machine with 2 or more cores). */
  concurrency?: number;
  /** TensorFlow.js backend (default 'wasm'; 'cpu' is the pure-JS baseline of the benchmark). */
  backend?: FaceBackend;
  /** The input's probe, if the caller has one: forces its demuxer, and explains a failure. */
  probe?: MediaProbe;
  /** Analyse at most this many seconds (from the start). */
  durationSec?: number;
  signal?: AbortSignal;
  /** Called after each analysed frame. */
  onProgress?: (p: { frames: number; doneSec: number }) => void;
  /** Called with ffmpeg's pid once it runs (tests check that an abort leaves none behind). */
  onSpawn?: (pid: number) => void;
  /** Detector settings instead of a profile (benchmarks). */
  spec?: DetectorSpec;
}

export interface FaceFrame {
  /** Seconds from the start of the video. */
  tSec: number;
  boxes: FaceBox[];
}

export interface FaceDetectResult {
  model: string;
  profile: FaceProfile | 'custom';
  sampleFps: number;
  /** The analysis size of the (last) frame. */
  width: number;
  height: number;
  frames: number;
  framesWithFaces: number;
  /** The most faces in one frame. */
  maxFaces: number;
  /** Frames with at least one face, in time order. */
  detections: FaceFrame[];
  /** Live tensors in the workers, highest seen (constant: the models' weights). */
  maxTensors: number;
  /** Set when ffmpeg stopped early: what was analysed is kept, and this says what was not. */
  warning: string | null;
  elapsedMs: number;
}

const optionsSchema = z.object({
  profile: z.enum(FACE_PROFILES as [FaceProfile, ...FaceProfile[]]).optional(),
  sampleFps: z.number().positive().max(30).optional(),
  maxWidth: z.number().int().min(64).max(8192).optional(),
  maxHeight: z.number().int().min(64).max(8192).optional(),
  concurrency: z.number().int().min(1).max(16).optional(),
  backend: z.enum(['wasm', 'cpu']).optional(),
  durationSec: z.number().positive().optional(),
});

/** The model name `detectFaces` records for these options (job keys are built from it). */
export function faceModelName(opts: Pick<FaceDetectOptions, 'profile' | 'spec'> = {}): string {
  return modelName(opts.spec ?? PROFILE_SPECS[opts.profile ?? 'standard']);
}

/**
 * Detects faces on sampled frames of `input`. Rejects with a MediaInputError when nothing could be
 * decoded (not a video, no video stream, no decodable frame), with the signal's reason on abort
 * (ffmpeg is killed first).
 */
export async function detectFaces(tools: MediaTools, input: string, options: FaceDetectOptions = {}): Promise<FaceDetectResult> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new TypeError(`invalid face detection options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const started = Date.now();
  const profile = options.profile ?? 'standard';
  const spec = options.spec ?? PROFILE_SPECS[profile];
  const sampleFps = options.sampleFps ?? 1;
  const maxW = options.maxWidth ?? 1280;
  const maxH = options.maxHeight ?? 720;
  const concurrency = options.concurrency ?? Math.min(2, availableParallelism());
  const backend = options.backend ?? 'wasm';
  const { signal } = options;
  if (signal?.aborted) throw abortReason(signal);

  // Fit inside maxW×maxH at the display aspect ratio, never enlarged; even sizes.
  const fit = `min(1\\,min(${maxW}/(iw*sar)\\,${maxH}/ih))`;
  const scale = `scale=w='2*max(8\\,round(iw*sar*${fit}/2))':h='2*max(8\\,round(ih*${fit}/2))':flags=area`;
  const p = options.probe?.status === 'ok' ? options.probe : null;
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-nostats', '-threads', '1', ...safeInputOptions()];
  if (p) {
    args.push(...forcedInputFormat(p.container));
    if (isRawStream(p)) args.push('-framerate', String(p.video?.fps ?? 25));
  }
  if (options.durationSec !== undefined) args.push('-t', String(options.durationSec));
  args.push('-i', fileUrl(input), '-map', '0:v:0', '-an', '-sn', '-dn', '-vf', `fps=${sampleFps}:eof_action=pass,${scale},setsar=1,format=rgb24`, '-f', 'image2pipe', '-c:v', 'ppm', 'pipe:1');

  const detections: FaceFrame[] = [];
  let frames = 0;
  let width = 0;
  let height = 0;
  let maxTensors = 0;
  let inFlight = 0;
  let flow: { pause(): void; resume(): void } | null = null;
  let failed: unknown = null;
  const pending = new Set<Promise<void>>();
  const abortCtl = new AbortController();
  const onAbort = (): void => abortCtl.abort(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });

  let r;
  try {
    r = await streamPpmFrames(tools.ffmpeg, args, {
      signal: abortCtl.signal,
      onSpawn: (pid) => options.onSpawn?.(pid),
      onFlow: (f) => (flow = f),
      onFrame: (f) => {
        width = f.width;
        height = f.height;
        const tSec = Math.round((f.index / sampleFps) * 1000) / 1000;
        inFlight += 1;
        // Each worker busy with a frame and one decoded frame waiting: ffmpeg never runs far ahead.
        if (inFlight >= concurrency + 1) flow?.pause();
        const job = detectInPool(concurrency, backend, f.rgb, f.width, f.height, spec)
          .then((d) => {
            frames += 1;
            maxTensors = Math.max(maxTensors, d.numTensors);
            if (d.boxes.length > 0) detections.push({ tSec, boxes: d.boxes });
            options.onProgress?.({ frames, doneSec: tSec });
          })
          .catch((e: unknown) => {
            if (failed === null) failed = e;
            abortCtl.abort(e);
          })
          .finally(() => {
            inFlight -= 1;
            pending.delete(job);
            if (inFlight < concurrency + 1) flow?.resume();
          });
        pending.add(job);
      },
    });
  } catch (e) {
    await Promise.allSettled([...pending]);
    throw failed ?? e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  await Promise.allSettled([...pending]);
  if (failed !== null) throw failed;

  if (r.frames === 0) {
    // Nothing decoded: say why in the probe's words (not a media file, no video stream, …).
    const pr = options.probe ?? (await probeMedia(tools, input, signal ? { signal } : {}));
    if (pr.status !== 'ok') {
      const f = pr.failure;
      throw new MediaInputError(f?.kind ?? 'unknown-format', `Cannot detect faces: ${f?.message ?? 'the file could not be read'}`, f?.tool ?? lastLines(r.stderrTail));
    }
    if (pr.image) throw new MediaInputError('no-video-stream', 'Cannot detect faces: the file is a still image, not a video.');
    if (!pr.video) throw new MediaInputError('no-video-stream', 'Cannot detect faces: the file has no video stream.');
    throw new MediaInputError('no-decodable-frames', 'Cannot detect faces: no frame of the video could be decoded.', lastLines(r.stderrTail));
  }
  detections.sort((a, b) => a.tSec - b.tSec);
  return {
    model: modelName(spec),
    profile: options.spec ? 'custom' : profile,
    sampleFps,
    width,
    height,
    frames,
    framesWithFaces: detections.length,
    maxFaces: detections.reduce((m, d) => Math.max(m, d.boxes.length), 0),
    detections,
    maxTensors,
    warning:
      r.code === 0
        ? null
        : `ffmpeg stopped with an error after ${r.frames} sampled frames (${Math.round(r.frames / sampleFps)} s): the rest of the file was not analysed. ${lastLines(r.stderrTail, 3, 500)}`,
    elapsedMs: Date.now() - started,
  };
}
