// RGB frames from ffmpeg's stdout as they are decoded: `-f image2pipe -c:v ppm` writes each frame as
// a binary PPM ("P6\n<w> <h>\n255\n" + w×h×3 bytes). Unlike bare rawvideo, every frame states its
// size, so ffmpeg alone works out the display size (rotation, non-square pixels, a resolution
// change mid-file) with no separate probe. The process is @custodia/media's streamTool.
import { streamTool } from '@custodia/media';

export interface RgbFrame {
  /** Packed RGB, 3 bytes per pixel, rows top to bottom. A fresh buffer per frame (may be transferred). */
  rgb: Uint8Array;
  width: number;
  height: number;
  index: number;
}

export interface PpmStreamOptions {
  /** Called with each complete frame; an exception kills the process and rejects the run with it. */
  onFrame: (frame: RgbFrame) => void;
  signal?: AbortSignal | undefined;
  /** Called once the process exists (tests check that it is gone after an abort). */
  onSpawn?: ((pid: number) => void) | undefined;
  /** Receives pause/resume of the reading (backpressure: ffmpeg blocks while paused). */
  onFlow?: ((flow: { pause(): void; resume(): void }) => void) | undefined;
}

export interface PpmStreamResult {
  code: number | null;
  killedBy: NodeJS.Signals | null;
  frames: number;
  stderrTail: string;
}

/** Largest frame accepted (a hostile stream cannot make us allocate more). */
const MAX_SIDE = 8192;

/**
 * Runs `command args…` (writing PPM images to stdout) and hands each frame to `onFrame`. Resolves
 * when the process exits, whatever the exit code; rejects when it cannot start, on abort (with the
 * signal's reason), on a malformed stream, or when a callback throws.
 */
export async function streamPpmFrames(command: string, args: readonly string[], opts: PpmStreamOptions): Promise<PpmStreamResult> {
  let head = Buffer.alloc(0);
  let frame: Uint8Array | null = null;
  let width = 0;
  let height = 0;
  let fill = 0;
  let frames = 0;
  const r = await streamTool(
    command,
    args,
    (b) => {
      let off = 0;
      while (off < b.length) {
        if (!frame) {
          head = Buffer.concat([head, b.subarray(off)]);
          off = b.length;
          const h = parsePpmHeader(head);
          if (!h) {
            if (head.length > 64) throw new Error(`not a PPM frame stream: ${JSON.stringify(head.subarray(0, 20).toString('latin1'))}`);
            break;
          }
          width = h.width;
          height = h.height;
          frame = new Uint8Array(width * height * 3);
          fill = 0;
          // The bytes after the header belong to the frame: go on with them.
          b = head.subarray(h.headerBytes);
          off = 0;
          head = Buffer.alloc(0);
          continue;
        }
        const n = Math.min(frame.length - fill, b.length - off);
        frame.set(b.subarray(off, off + n), fill);
        fill += n;
        off += n;
        if (fill === frame.length) {
          const done = frame;
          frame = null;
          opts.onFrame({ rgb: done, width, height, index: frames });
          frames += 1;
        }
      }
    },
    opts,
  );
  return { code: r.code, killedBy: r.killedBy, frames, stderrTail: r.stderrTail };
}

/** "P6 <w> <h> 255" followed by one whitespace byte; null while incomplete. */
export function parsePpmHeader(b: Buffer): { width: number; height: number; headerBytes: number } | null {
  const fields: string[] = [];
  let i = 0;
  while (fields.length < 4) {
    while (i < b.length && isSpace(b[i]!)) i++;
    if (b[i] === 0x23) throw new Error('PPM comments are not expected from ffmpeg');
    const start = i;
    while (i < b.length && !isSpace(b[i]!)) i++;
    if (i >= b.length) return null; // a field (and the single byte after the last) still to come
    fields.push(b.toString('latin1', start, i));
  }
  const [magic, w, h, max] = fields;
  if (magic !== 'P6' || max !== '255') throw new Error(`unexpected PPM header ${JSON.stringify(fields.join(' '))} (8-bit P6 expected)`);
  const width = Number(w);
  const height = Number(h);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new Error(`PPM frame of unusable size ${w}x${h}`);
  }
  return { width, height, headerBytes: i + 1 };
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
