// renderThumbnails(): a poster frame and a filmstrip sprite of frames at regular times.
//
// Measured (2 cores, 5-min 720p H.264 at 2 Mb/s with 10-s GOPs): one ffmpeg per tile seeking with
// `-ss` before `-i` costs at most one GOP of decoding per tile whatever the length of the file (~0.2-
// 0.6 s a tile); a single decoding pass with `fps=N/duration` decodes everything (~19x real time: 3
// min for an hour). So indexed containers are seeked, a few tiles at a time. Raw elementary streams
// and cut-off files (no index, or an index that promises more than is there) are read in one pass,
// decoding only keyframes when the file is long.
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { inputOptionsFor } from './decode-check.js';
import { fileUrl, type MediaTools } from './media-tools.js';
import { isRawStream, MediaInputError, type MediaProbe } from './media-types.js';
import { proxyGeometry, requirePlayable, threadCount } from './proxy.js';
import { lastLines, MediaProcessError, runTool } from './run-tool.js';

export interface ThumbnailOptions {
  /** The probe of `input` (status 'ok'). */
  probe: MediaProbe;
  /** Filmstrip tiles. Default 24. */
  frames?: number;
  /** Tile width in pixels. Default 160. */
  width?: number;
  signal?: AbortSignal;
  /** The poster is at most this tall. Default 720. */
  posterMaxHeight?: number;
  /** Sprites wider than this wrap into rows. Default 16384. */
  maxSpriteWidth?: number;
  /**
   * 'auto' (default): seek per tile in indexed, complete files of 30 s or more (cost bounded by
   * tiles × one GOP); read short, raw or cut-off files in a single pass.
   */
  method?: 'auto' | 'seek' | 'single-pass';
}

export interface ThumbnailResult {
  /** JPEG, a frame from about 10% in (a later one if that is black). */
  poster: string;
  /** One JPEG sprite: tiles left to right, then (past maxSpriteWidth) top to bottom. */
  filmstrip: string;
  tiles: { index: number; timeSec: number }[];
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
  posterTimeSec: number;
  /** 'seek': one seek per tile; 'single-pass': the stream read once. */
  method: 'seek' | 'single-pass';
}

interface Tile {
  index: number;
  timeSec: number;
  luma: number | null;
  file: string;
}

const BASE = ['-nostdin', '-hide_banner', '-v', 'error', '-nostats'];
const LUMA = 'signalstats,metadata=mode=print:key=lavfi.signalstats.YAVG:file=-';
/** Mean luma below this (limited range: black is 16) counts as a black frame. */
const BLACK_LUMA = 24;

/** Parses `metadata=mode=print` output into (pts_time, YAVG) pairs. */
export function parseFrameMeta(text: string): { timeSec: number; luma: number | null }[] {
  const out: { timeSec: number; luma: number | null }[] = [];
  for (const line of text.split('\n')) {
    const f = /pts_time:(-?[\d.]+)/.exec(line);
    if (f && line.startsWith('frame:')) {
      out.push({ timeSec: Number(f[1]), luma: null });
      continue;
    }
    const y = /^lavfi\.signalstats\.YAVG=([\d.]+)/.exec(line.trim());
    const last = out[out.length - 1];
    if (y && last) last.luma = Number(y[1]);
  }
  return out;
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let stop = false;
  const worker = async (): Promise<void> => {
    while (!stop && next < items.length) {
      try {
        await fn(items[next++]!);
      } catch (err) {
        stop = true;
        throw err;
      }
    }
  };
  // Settle every worker before reporting a failure: no ffmpeg is left writing into a removed folder.
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function pickPoster<T extends { timeSec: number; luma: number | null }>(tiles: T[], durationSec: number): T {
  const target = 0.1 * durationSec;
  let start = tiles.findIndex((t) => t.timeSec >= target);
  if (start < 0) start = 0;
  const order = [...tiles.slice(start), ...tiles.slice(0, start).reverse()];
  return order.find((t) => t.luma === null || t.luma >= BLACK_LUMA) ?? tiles[start]!;
}

export async function renderThumbnails(tools: MediaTools, input: string, outDir: string, opts: ThumbnailOptions): Promise<ThumbnailResult> {
  const { probe, signal } = opts;
  const frames = Math.max(1, Math.min(1000, Math.floor(opts.frames ?? 24)));
  const tileWidth = Math.max(16, 2 * Math.round((opts.width ?? 160) / 2));
  if (probe.status === 'ok' && probe.image) return renderImage(tools, input, outDir, opts, tileWidth);
  requirePlayable(probe, 'thumbnails');
  const video = probe.video;
  if (!video) throw new MediaInputError('no-video-stream', 'Cannot render thumbnails: the file has no video stream (audio only).');
  const shape = proxyGeometry(video, 1 << 16);
  const tileHeight = Math.max(2, 2 * Math.round((tileWidth * shape.height) / shape.width / 2));
  const poster = proxyGeometry(video, opts.posterMaxHeight ?? 720);
  const duration = probe.durationSec ?? 0;
  const count = duration > 0 ? frames : 1;
  const times = Array.from({ length: count }, (_, i) => (duration > 0 ? ((i + 0.5) * duration) / count : 0));

  await mkdir(outDir, { recursive: true });
  const work = await mkdtemp(join(outDir, '.thumbs-'));
  try {
    const seekable = !isRawStream(probe) && probe.durationSource === 'container' && probe.truncatedHint === undefined && duration > 0;
    const wanted = opts.method ?? 'auto';
    const useSeek = seekable && (wanted === 'seek' || (wanted === 'auto' && duration >= 30));
    let method: ThumbnailResult['method'] = 'seek';
    let tiles: Tile[] | null = null;
    if (useSeek) tiles = await seekTiles(tools, input, probe, times, tileWidth, tileHeight, work, signal);
    let posterFile: string | null = null;
    let posterTime = 0;
    if (!tiles) {
      method = 'single-pass';
      const pass = await singlePass(tools, input, probe, times, tileWidth, tileHeight, poster, work, signal);
      tiles = pass.tiles;
      const chosen = pickPoster(tiles, duration);
      posterFile = join(work, `poster_${String(chosen.index).padStart(4, '0')}.jpg`);
      posterTime = chosen.timeSec;
    } else {
      const chosen = pickPoster(tiles, duration);
      posterTime = chosen.timeSec;
      posterFile = join(work, 'poster.jpg');
      const args = [...BASE, '-threads', String(threadCount()), ...inputOptionsFor(probe.container, video.fps), '-ss', posterTime.toFixed(3), '-i', fileUrl(input),
        '-map', '0:v:0', '-frames:v', '1', '-vf', `scale=${poster.width}:${poster.height}:flags=bicubic,setsar=1`, '-q:v', '3', '-f', 'image2', '-c:v', 'mjpeg', posterFile];
      const r = await runTool(tools.ffmpeg, args, { signal, timeoutMs: 120_000 });
      if (r.code !== 0) throw new MediaProcessError('ffmpeg could not render the poster', 'ffmpeg', args, r.code, lastLines(r.stderrTail));
    }
    const layout = await assembleSprite(tools, tiles, tileWidth, opts.maxSpriteWidth ?? 16384, work, signal);
    const posterOut = join(outDir, 'poster.jpg');
    const stripOut = join(outDir, 'filmstrip.jpg');
    await rename(posterFile, posterOut);
    await rename(layout.file, stripOut);
    return {
      poster: posterOut,
      filmstrip: stripOut,
      tiles: tiles.map((t, i) => ({ index: i, timeSec: Math.round(t.timeSec * 1000) / 1000 })),
      tileWidth,
      tileHeight,
      columns: layout.columns,
      rows: layout.rows,
      posterTimeSec: Math.round(posterTime * 1000) / 1000,
      method,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** One process per tile (a few in parallel), each seeking to its time. Null if any tile fails. */
async function seekTiles(
  tools: MediaTools, input: string, probe: MediaProbe, times: number[], w: number, h: number, work: string, signal?: AbortSignal,
): Promise<Tile[] | null> {
  const tiles: Tile[] = [];
  let failed = false;
  await pool(times.map((t, i) => ({ t, i })), threadCount(), async ({ t, i }) => {
    if (failed) return;
    const file = join(work, `tile_${String(i).padStart(4, '0')}.png`);
    const args = [...BASE, '-threads', '1', ...inputOptionsFor(probe.container, probe.video?.fps ?? null), '-ss', t.toFixed(3), '-i', fileUrl(input),
      '-map', '0:v:0', '-frames:v', '1', '-vf', `scale=${w}:${h}:flags=bilinear,setsar=1,${LUMA}`, '-f', 'image2', '-c:v', 'png', file];
    const r = await runTool(tools.ffmpeg, args, { signal, timeoutMs: 120_000, maxStdoutBytes: 1 << 20 });
    const meta = parseFrameMeta(r.stdout)[0];
    if (r.code !== 0 || !meta) {
      failed = true;
      return;
    }
    tiles[i] = { index: i, timeSec: t + Math.max(0, meta.timeSec), luma: meta.luma, file };
  });
  if (failed || tiles.length !== times.length) return null;
  return tiles;
}

/** Reads the stream once, keeping the first frame at or after each tile time (and a poster-sized copy). */
async function singlePass(
  tools: MediaTools, input: string, probe: MediaProbe, times: number[], w: number, h: number,
  poster: { width: number; height: number }, work: string, signal?: AbortSignal,
): Promise<{ tiles: Tile[] }> {
  const duration = probe.durationSec ?? 0;
  const step = times.length > 1 ? times[1]! - times[0]! : Math.max(duration, 1);
  const off = times[0] ?? 0;
  // Long files: decode only keyframes (99-300x real time instead of 15-45x); tile times are then
  // those of the keyframes actually shown. Not for raw streams with B-frames: measured there, ffmpeg
  // stamps keyframes decoded alone 3-4 s late, so those are decoded in full (accurate, slower).
  const keyframesOnly = duration > 120 && !(isRawStream(probe) && probe.video?.hasBFrames);
  const sel = `select='gte(t-${off.toFixed(4)}\\,ld(0))*st(0\\,(floor((t-${off.toFixed(4)})/${step.toFixed(4)})+1)*${step.toFixed(4)})'`;
  const graph = `[0:v:0]${sel},split=2[a][b];[a]scale=${w}:${h}:flags=bilinear,setsar=1,${LUMA}[tiles];[b]scale=${poster.width}:${poster.height}:flags=bicubic,setsar=1[posters]`;
  const args = [...BASE, '-threads', String(threadCount()), ...(keyframesOnly ? ['-skip_frame', 'nokey'] : []),
    ...inputOptionsFor(probe.container, probe.video?.fps ?? null, 'packets'), '-i', fileUrl(input), '-filter_complex', graph,
    '-map', '[tiles]', '-fps_mode', 'passthrough', '-frames:v', String(times.length), '-start_number', '0', '-f', 'image2', '-c:v', 'png', join(work, 'tile_%04d.png'),
    '-map', '[posters]', '-fps_mode', 'passthrough', '-frames:v', String(times.length), '-start_number', '0', '-q:v', '3', '-f', 'image2', '-c:v', 'mjpeg', join(work, 'poster_%04d.jpg')];
  const r = await runTool(tools.ffmpeg, args, { signal, timeoutMs: 15 * 60_000 + duration * 1000, maxStdoutBytes: 4 << 20 });
  const meta = parseFrameMeta(r.stdout);
  const files = (await readdir(work)).filter((f) => f.startsWith('tile_')).sort();
  if (files.length === 0) {
    throw new MediaProcessError('ffmpeg produced no frames for the filmstrip', 'ffmpeg', args, r.code, lastLines(r.stderrTail));
  }
  const tiles = files.map((f, i) => ({ index: i, timeSec: meta[i]?.timeSec ?? times[i] ?? 0, luma: meta[i]?.luma ?? null, file: join(work, f) }));
  return { tiles };
}

async function assembleSprite(
  tools: MediaTools, tiles: Tile[], tileWidth: number, maxWidth: number, work: string, signal?: AbortSignal,
): Promise<{ file: string; columns: number; rows: number }> {
  // Seek mode names tiles by index; make sure they are consecutive for the image sequence reader.
  for (let i = 0; i < tiles.length; i++) {
    const want = join(work, `strip_${String(i).padStart(4, '0')}.png`);
    await rename(tiles[i]!.file, want);
    tiles[i]!.file = want;
  }
  const columns = Math.max(1, Math.min(tiles.length, Math.floor(maxWidth / tileWidth)));
  const rows = Math.ceil(tiles.length / columns);
  const file = join(work, 'filmstrip.jpg');
  const args = [...BASE, '-f', 'image2', '-framerate', '1', '-start_number', '0', '-i', join(work, 'strip_%04d.png'),
    '-vf', `tile=${columns}x${rows}`, '-frames:v', '1', '-q:v', '3', '-f', 'image2', '-c:v', 'mjpeg', file];
  const r = await runTool(tools.ffmpeg, args, { signal, timeoutMs: 120_000 });
  if (r.code !== 0) throw new MediaProcessError('ffmpeg could not assemble the filmstrip', 'ffmpeg', args, r.code, lastLines(r.stderrTail));
  return { file, columns, rows };
}

/** A still image: the poster is the picture, the filmstrip its one tile. */
async function renderImage(tools: MediaTools, input: string, outDir: string, opts: ThumbnailOptions, tileWidth: number): Promise<ThumbnailResult> {
  const img = opts.probe.image!;
  if (!(img.width > 0 && img.height > 0)) throw new MediaInputError('no-decodable-frames', 'The image has no size.');
  const tileHeight = Math.max(2, 2 * Math.round((tileWidth * img.height) / img.width / 2));
  const poster = proxyGeometry({ width: img.width, height: img.height }, opts.posterMaxHeight ?? 720);
  await mkdir(outDir, { recursive: true });
  const posterOut = join(outDir, 'poster.jpg');
  const stripOut = join(outDir, 'filmstrip.jpg');
  for (const [out, w, h] of [[posterOut, poster.width, poster.height], [stripOut, tileWidth, tileHeight]] as const) {
    const args = [...BASE, ...inputOptionsFor(opts.probe.container, null), '-i', fileUrl(input), '-frames:v', '1',
      '-vf', `scale=${w}:${h}:flags=bicubic,setsar=1`, '-q:v', '3', '-f', 'image2', '-c:v', 'mjpeg', `${out}.partial`];
    const r = await runTool(tools.ffmpeg, args, { signal: opts.signal, timeoutMs: 120_000 });
    if (r.code !== 0) throw new MediaProcessError('ffmpeg could not render the image', 'ffmpeg', args, r.code, lastLines(r.stderrTail));
    await rename(`${out}.partial`, out);
  }
  return { poster: posterOut, filmstrip: stripOut, tiles: [{ index: 0, timeSec: 0 }], tileWidth, tileHeight, columns: 1, rows: 1, posterTimeSec: 0, method: 'seek' };
}
