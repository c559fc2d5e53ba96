// salvage(): a playable MP4 derivative of a damaged original (the original is only ever read).
//  (a) Containers ffmpeg reads partly (Matroska/TS/AVI/raw streams/index-first MP4 cut off): what
//      is there is remuxed — stream copy when the codec fits MP4 and timestamps are trustworthy,
//      otherwise re-encoded to H.264 — with ffmpeg told to ignore errors and drop corrupt packets.
//  (b) MP4 cut off before its index (moov): see untrunc.ts; needs a healthy reference file from the
//      same camera unless the stream carries its own parameter sets.
import { rename, rm } from 'node:fs/promises';
import { ffmpegHead, inputOptionsFor } from './decode-check.js';
import { inspectFileStructure } from './file-structure.js';
import { fileUrl, safeInputOptions, type MediaTools } from './media-tools.js';
import { isRawStream, type MediaProbe } from './media-types.js';
import { probe as probeFile } from './probe.js';
import { tempPathNear, threadCount } from './proxy.js';
import { lastLines, runTool } from './run-tool.js';
import { mdatToAnnexB, NeedReferenceError, readCodecConfig, type AnnexBResult } from './untrunc.js';

export interface SalvageOptions {
  /** The probe of `input`. */
  probe: MediaProbe;
  /** A healthy MP4 from the same camera/encoder (same settings), for files cut off before their index. */
  reference?: string;
  signal?: AbortSignal;
  /** Per ffmpeg run. Default 30 min + 2 × the duration when known. */
  timeoutMs?: number;
}

export type SalvageResult =
  | { ok: true; method: 'remux' | 'reencode' | 'untrunc+remux' | 'untrunc+reencode'; recoveredSec: number; detail: string }
  | { ok: false; reason: string };

/** Video codecs MP4 holds and that can be stream-copied into it. */
const MP4_COPY_VIDEO = new Set(['h264', 'hevc', 'av1', 'vp9', 'mpeg4']);
const MP4_COPY_AUDIO = new Set(['aac', 'mp3']);

interface Attempt {
  ok: boolean;
  recoveredSec: number;
  tool: string;
}

const TOLERANT = ['-err_detect', 'ignore_err', '-fflags', '+genpts+discardcorrupt'];

function encodeArgs(copy: boolean, codec: string | undefined): string[] {
  if (copy) return ['-c:v', 'copy', ...(codec === 'hevc' ? ['-tag:v', 'hvc1'] : [])];
  // High quality: this derivative stands in for the original, the proxy is made from it later.
  return ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', '-threads', String(threadCount())];
}

async function writeAndCheck(tools: MediaTools, args: string[], tmp: string, output: string, opts: SalvageOptions, timeoutMs: number): Promise<Attempt> {
  const r = await runTool(tools.ffmpeg, args, { signal: opts.signal, timeoutMs });
  const tool = lastLines(r.stderrTail);
  // A non-zero exit is expected on damaged input; what counts is whether the output plays.
  const check = await probeFile(tools, tmp, { signal: opts.signal });
  if (check.status !== 'ok' || !check.video || !(check.durationSec && check.durationSec > 0)) {
    await rm(tmp, { force: true });
    return { ok: false, recoveredSec: 0, tool: check.failure?.tool || tool };
  }
  await rename(tmp, output);
  return { ok: true, recoveredSec: check.durationSec, tool };
}

async function remuxReadable(tools: MediaTools, input: string, output: string, opts: SalvageOptions, timeoutMs: number): Promise<SalvageResult> {
  const p = opts.probe;
  const v = p.video!;
  const raw = isRawStream(p);
  // Raw streams with B-frames carry no presentation times: copied into MP4 they would play out of order.
  const canCopy = MP4_COPY_VIDEO.has(v.codec) && !(raw && v.hasBFrames);
  const audio = p.audio ? ['-map', '0:a:0?', ...(MP4_COPY_AUDIO.has(p.audio.codec) ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '128k', '-ac', '2'])] : [];
  let lastTool = '';
  for (const copy of canCopy ? [true, false] : [false]) {
    const tmp = tempPathNear(output, '.mp4');
    const args = [...ffmpegHead(), ...TOLERANT, ...inputOptionsFor(p.container, v.fps), '-i', fileUrl(input),
      '-map', '0:v:0', ...encodeArgs(copy, v.codec), ...audio, '-sn', '-dn', '-max_muxing_queue_size', '4096', '-movflags', '+faststart', '-f', 'mp4', fileUrl(tmp)];
    const a = await writeAndCheck(tools, args, tmp, output, opts, timeoutMs);
    if (a.ok) {
      const method = copy ? 'remux' : 'reencode';
      const why = p.truncatedHint ? ` The input is incomplete: ${p.truncatedHint}.` : '';
      return {
        ok: true, method, recoveredSec: a.recoveredSec,
        detail: `${copy ? 'Stream-copied' : 'Re-encoded to H.264 (CRF 18)'} what ffmpeg could read of the ${v.codec} video in ${p.container ?? 'the file'}, ignoring decode errors and dropping corrupt packets.${why}`,
      };
    }
    lastTool = a.tool;
  }
  return { ok: false, reason: `ffmpeg could not recover any playable video from the file.${lastTool ? ` ffmpeg said: ${lastTool}` : ''}` };
}

async function untrunc(tools: MediaTools, input: string, output: string, opts: SalvageOptions, timeoutMs: number): Promise<SalvageResult> {
  let config = null;
  let fps: number | null = null;
  let reencode = false;
  if (opts.reference) {
    const ref = await probeFile(tools, opts.reference, { signal: opts.signal, decodeDuration: false });
    if (ref.status !== 'ok' || !ref.video) {
      return { ok: false, reason: `The reference file cannot serve: ${ref.failure?.message ?? 'it has no video stream'}` };
    }
    try {
      config = await readCodecConfig(opts.reference);
    } catch (err) {
      return { ok: false, reason: `The reference file cannot serve: ${(err as Error).message}. It must be a healthy MP4/MOV with H.264 or HEVC video from the same camera.` };
    }
    fps = ref.video.fps;
    reencode = ref.video.hasBFrames === true;
  }
  const annexB = tempPathNear(output, config?.codec === 'hevc' ? '.hevc' : '.h264');
  try {
    let walk: AnnexBResult;
    try {
      walk = await mdatToAnnexB(input, annexB, config, { signal: opts.signal });
    } catch (err) {
      if (err instanceof NeedReferenceError) {
        return {
          ok: false,
          reason:
            'The MP4 was cut off before its index (moov) was written, and its media data carries no codec parameter sets (SPS/PPS) of its own. ' +
            'A healthy file from the same camera/recorder (same resolution and encoder settings) is needed as a reference to rebuild it.',
        };
      }
      throw err;
    }
    if (walk.nalUnits === 0) {
      return { ok: false, reason: `No ${walk.codec} NAL units could be read from the media data (${walk.stoppedBecause}). Is the reference from the same camera and encoder settings?` };
    }
    if (!config) {
      // In-band parameter sets: ask ffmpeg about the rebuilt stream itself.
      const own = await probeFile(tools, annexB, { signal: opts.signal, decodeDuration: false });
      fps = own.video?.fps ?? null;
      reencode = own.video?.hasBFrames === true;
    }
    const codecArgs = encodeArgs(!reencode, walk.codec);
    const tmp = tempPathNear(output, '.mp4');
    const args = [...ffmpegHead(), ...safeInputOptions(), ...TOLERANT, '-r', String(fps ?? 25), '-f', walk.codec, '-i', fileUrl(annexB),
      '-map', '0:v:0', ...codecArgs, '-movflags', '+faststart', '-f', 'mp4', fileUrl(tmp)];
    const a = await writeAndCheck(tools, args, tmp, output, opts, timeoutMs);
    if (!a.ok) {
      return { ok: false, reason: `The media data was rebuilt into ${walk.nalUnits} ${walk.codec} NAL units, but ffmpeg could not decode them into video${config ? ' (is the reference from the same camera and settings?)' : ''}. ffmpeg said: ${a.tool}` };
    }
    const mib = (n: number): string => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`);
    return {
      ok: true,
      method: reencode ? 'untrunc+reencode' : 'untrunc+remux',
      recoveredSec: a.recoveredSec,
      detail:
        `Rebuilt from the index-less media data: ${walk.nalUnits} ${walk.codec} NAL units (${mib(walk.bytesUsed)} of ${mib(walk.mdatBytes)}), ` +
        `${config ? `codec parameters from the reference ${opts.reference}` : 'codec parameters found inside the stream'}, ${fps ?? 25} fps` +
        `${walk.bytesSkipped > 0 ? `; ${mib(walk.bytesSkipped)} of non-video data (interleaved audio or damage) skipped` : ''}; stopped: ${walk.stoppedBecause}. ` +
        `${reencode ? 'Re-encoded to H.264 (CRF 18) because the stream has B-frames, whose display order a raw stream does not record.' : 'Stream-copied into MP4.'} Audio, if any, is not recovered.`,
    };
  } finally {
    await rm(annexB, { force: true });
  }
}

/** Makes a playable MP4 at `output` from whatever of `input` can be recovered. Never modifies `input`. */
export async function salvage(tools: MediaTools, input: string, output: string, opts: SalvageOptions): Promise<SalvageResult> {
  const p = opts.probe;
  const timeoutMs = opts.timeoutMs ?? 30 * 60_000 + 2000 * (p.durationSec ?? 3600);
  if (p.status === 'ok') {
    if (p.image) return { ok: false, reason: 'The file is a still image; there is nothing to salvage.' };
    if (!p.video) return { ok: false, reason: 'The file has no video stream; salvage rebuilds video only.' };
    return remuxReadable(tools, input, output, opts, timeoutMs);
  }
  const f = p.failure;
  if (f?.kind === 'truncated') {
    const st = await inspectFileStructure(input);
    if (st.family === 'iso-bmff') return untrunc(tools, input, output, opts, timeoutMs);
    return { ok: false, reason: `${f.message} ffmpeg cannot read any of it, and rebuilding is only implemented for MP4/MOV files.` };
  }
  return { ok: false, reason: f ? `${f.message}${f.tool ? ` ffmpeg said: ${f.tool}` : ''}` : 'The probe failed.' };
}
