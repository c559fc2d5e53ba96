// Finding ffmpeg/ffprobe, and the input options every invocation on hostile files uses.
import { access, constants, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { runTool } from './run-tool.js';

export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
  /** e.g. "ffmpeg 5.1.6", parsed from `ffmpeg -version`. */
  version: string;
}

/** ffmpeg or ffprobe cannot be found or does not run. */
export class MediaToolMissingError extends Error {
  override name = 'MediaToolMissingError';
  constructor(
    readonly tool: 'ffmpeg' | 'ffprobe',
    detail: string,
  ) {
    super(
      `${tool} is missing: ${detail}. Install it with \`apt-get install ffmpeg\` (Debian/Ubuntu) or run ` +
        '`npm run setup`, or point CUSTODIA_FFMPEG / CUSTODIA_FFPROBE at the binaries.',
    );
  }
}

async function isExecutableFile(p: string): Promise<boolean> {
  try {
    const st = await stat(p);
    if (!st.isFile()) return false;
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findTool(
  tool: 'ffmpeg' | 'ffprobe',
  envVar: 'CUSTODIA_FFMPEG' | 'CUSTODIA_FFPROBE',
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const configured = env[envVar];
  if (configured !== undefined && configured !== '') {
    const p = resolve(configured);
    if (!(await isExecutableFile(p))) {
      throw new MediaToolMissingError(tool, `${envVar} points at ${configured}, which is not an executable file`);
    }
    return p;
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter((d) => d !== '' && isAbsolute(d));
  for (const dir of dirs) {
    const p = join(dir, tool);
    if (await isExecutableFile(p)) return p;
  }
  throw new MediaToolMissingError(tool, `no executable named ${tool} on PATH (${dirs.join(delimiter) || 'PATH is empty'})`);
}

/** "ffmpeg version 5.1.6-0+deb12u1 Copyright…" → "ffmpeg 5.1.6"; git builds keep their token. */
export function parseToolVersion(versionOutput: string, tool = 'ffmpeg'): string | null {
  const m = new RegExp(`^${tool} version (\\S+)`, 'm').exec(versionOutput);
  if (!m?.[1]) return null;
  const numeric = /^n?(\d+(?:\.\d+)*)/.exec(m[1]);
  return `${tool} ${numeric?.[1] ?? m[1]}`;
}

async function checkRuns(tool: 'ffmpeg' | 'ffprobe', path: string): Promise<string> {
  let out: string;
  try {
    const r = await runTool(path, ['-hide_banner', '-version'], { timeoutMs: 20_000, maxStdoutBytes: 1 << 20 });
    if (r.code !== 0) throw new Error(`exit code ${r.code}: ${r.stderrTail.trim().slice(-300)}`);
    out = r.stdout;
  } catch (err) {
    throw new MediaToolMissingError(tool, `${path} does not run (${(err as Error).message})`);
  }
  const version = parseToolVersion(out, tool);
  if (!version) throw new MediaToolMissingError(tool, `${path} -version does not identify itself as ${tool}`);
  return version;
}

/**
 * Finds ffmpeg and ffprobe: CUSTODIA_FFMPEG / CUSTODIA_FFPROBE when set (they must then exist),
 * otherwise the first executable on PATH. Both are run once (`-version`) to be sure they work.
 */
export async function locateMediaTools(env: NodeJS.ProcessEnv = process.env): Promise<MediaTools> {
  const ffmpeg = await findTool('ffmpeg', 'CUSTODIA_FFMPEG', env);
  const ffprobe = await findTool('ffprobe', 'CUSTODIA_FFPROBE', env);
  const [version] = await Promise.all([checkRuns('ffmpeg', ffmpeg), checkRuns('ffprobe', ffprobe)]);
  return { ffmpeg, ffprobe, version };
}

/**
 * Demuxers ffmpeg may use on evidence. Everything else is refused (`-format_whitelist`): playlist
 * and reference formats (hls, dash, concat, imf…) would make ffmpeg open other files named inside a
 * hostile input, and the hundreds of game/exotic demuxers are attack surface with no evidential use.
 * Entries match ffmpeg's demuxer names ("mov" matches "mov,mp4,m4a,3gp,3g2,mj2").
 */
export const DEMUXER_ALLOWLIST: readonly string[] = [
  // containers
  'mov', 'matroska', 'avi', 'mpegts', 'mpeg', 'flv', 'asf', 'rm', 'ogg', 'nut', 'mxf', 'dv', 'wtv', 'gxf', 'nsv',
  // CCTV / DVR formats ffmpeg knows
  'dhav', 'ifv', 'lmlm4', 'mpjpeg', 'smjpeg',
  // elementary video streams
  'h264', 'hevc', 'mjpeg', 'mpegvideo', 'm4v', 'h263', 'h261', 'cavsvideo', 'avs2', 'avs3', 'vc1', 'ivf', 'obu', 'av1', 'dirac', 'mjpeg_2000',
  // images
  'image2', 'jpeg_pipe', 'png_pipe', 'bmp_pipe', 'tiff_pipe', 'webp_pipe', 'gif', 'gif_pipe', 'jpegls_pipe', 'j2k_pipe',
  // audio
  'wav', 'w64', 'mp3', 'aac', 'loas', 'ac3', 'eac3', 'flac', 'amr', 'amrnb', 'amrwb', 'caf', 'aiff', 'wv', 'g722', 'g723_1', 'g726', 'g726le', 'g729', 'gsm', 'au', 'mulaw', 'alaw', 'opus',
];

/** ffmpeg's name for a file: `file:` + absolute path, so nothing in a name is read as a protocol. */
export function fileUrl(path: string): string {
  return `file:${resolve(path)}`;
}

/** Options placed before `-i` on every hostile input (ffmpeg and ffprobe alike). */
export function safeInputOptions(): string[] {
  return ['-protocol_whitelist', 'file', '-format_whitelist', DEMUXER_ALLOWLIST.join(',')];
}

/** The demuxer name ffmpeg uses with `-f`, from ffprobe's format_name ("mov,mp4,…" → "mov"). */
export function demuxerName(container: string | null): string | null {
  if (!container) return null;
  const first = container.split(',')[0]?.trim();
  return first ? first : null;
}

/** Options that make ffmpeg read `input` with the demuxer probe found (and image2 without patterns). */
export function forcedInputFormat(container: string | null): string[] {
  const f = demuxerName(container);
  if (!f) return [];
  return f === 'image2' ? ['-f', 'image2', '-pattern_type', 'none'] : ['-f', f];
}
