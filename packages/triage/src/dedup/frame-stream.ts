// Fixed-size raw frames from ffmpeg's stdout (e.g. `-f rawvideo -pix_fmt gray`), one at a time in
// constant memory. The process is @custodia/media's streamTool; this file only cuts frames.
import { streamTool } from '@custodia/media';

export interface FrameStreamOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** Called once the process exists (tests check that it is gone after an abort). */
  onSpawn?: ((pid: number) => void) | undefined;
}

export interface FrameStreamResult {
  code: number | null;
  killedBy: NodeJS.Signals | null;
  frames: number;
  /** Bytes left over after the last whole frame (a cut-off stream). */
  trailingBytes: number;
  stderrTail: string;
  durationMs: number;
}

/**
 * Runs `command args…` and calls `onFrame` with every whole `frameBytes`-sized frame it writes to
 * stdout (the array is reused: copy it to keep it). Resolves when the process exits, whatever the
 * exit code; rejects on abort (with the signal's reason), timeout (MediaTimeoutError), when it cannot
 * start, or when onFrame throws (with that error).
 */
export async function streamRawFrames(
  command: string,
  args: readonly string[],
  frameBytes: number,
  onFrame: (frame: Uint8Array, index: number) => void,
  opts: FrameStreamOptions = {},
): Promise<FrameStreamResult> {
  if (!(Number.isInteger(frameBytes) && frameBytes > 0)) throw new RangeError('frameBytes must be a positive integer');
  const frame = new Uint8Array(frameBytes);
  let filled = 0;
  let frames = 0;
  const r = await streamTool(
    command,
    args,
    (b) => {
      let at = 0;
      while (at < b.length) {
        const n = Math.min(frameBytes - filled, b.length - at);
        frame.set(b.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === frameBytes) {
          onFrame(frame, frames++);
          filled = 0;
        }
      }
    },
    opts,
  );
  return { ...r, frames, trailingBytes: filled };
}
