// Streaming fixed-size raw frames from ffmpeg's stdout. @custodia/media's runTool collects stdout as
// text (or lines); raw gray frames need bytes, one frame at a time, in constant memory. Same rules
// as runTool: argument arrays only (never a shell), stdin closed (callers pass -nostdin too), stderr
// kept to a bounded tail, the process killed (SIGKILL) on abort, timeout or a callback error.
import { spawn } from 'node:child_process';
import { abortReason, MediaTimeoutError, STDERR_TAIL_BYTES } from '@custodia/media';

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

/** Keeps the last `limit` bytes written. */
class BoundedTail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
    while (this.size - this.chunks[0]!.length >= this.limit) this.size -= this.chunks.shift()!.length;
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

/**
 * Runs `command args…` and calls `onFrame` with every whole `frameBytes`-sized frame it writes to
 * stdout (the array is reused: copy it to keep it). Resolves when the process exits, whatever the
 * exit code; rejects on abort (with the signal's reason), timeout (MediaTimeoutError), when it cannot
 * start, or when onFrame throws (with that error).
 */
export function streamRawFrames(
  command: string,
  args: readonly string[],
  frameBytes: number,
  onFrame: (frame: Uint8Array, index: number) => void,
  opts: FrameStreamOptions = {},
): Promise<FrameStreamResult> {
  if (!(Number.isInteger(frameBytes) && frameBytes > 0)) throw new RangeError('frameBytes must be a positive integer');
  const { signal, timeoutMs } = opts;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const started = Date.now();
  return new Promise<FrameStreamResult>((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
      env: { ...process.env, AV_LOG_FORCE_NOCOLOR: '1' },
    });
    const stderr = new BoundedTail(STDERR_TAIL_BYTES);
    const frame = new Uint8Array(frameBytes);
    let filled = 0;
    let frames = 0;
    let failure: unknown = null;
    let settled = false;

    const kill = (why: unknown): void => {
      if (failure === null) failure = why;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const onAbort = (): void => kill(abortReason(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      timeoutMs !== undefined && timeoutMs > 0 && Number.isFinite(timeoutMs)
        ? setTimeout(
            () => kill(new MediaTimeoutError(`${command} did not finish within ${Math.round(timeoutMs / 1000)} s and was killed`, command, args, null, stderr.text())),
            timeoutMs,
          )
        : null;
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);

    child.stdout.on('data', (b: Buffer) => {
      if (failure !== null) return;
      let at = 0;
      try {
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
      } catch (err) {
        kill(err);
      }
    });
    child.stderr.on('data', (b: Buffer) => stderr.push(b));

    const done = (): void => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (err) => {
      if (settled) return;
      settled = true;
      done();
      reject(failure ?? err);
    });
    child.on('close', (code, sig) => {
      if (settled) return;
      settled = true;
      done();
      if (failure !== null) {
        reject(failure);
        return;
      }
      resolve({ code, killedBy: sig, frames, trailingBytes: filled, stderrTail: stderr.text(), durationMs: Date.now() - started });
    });
  });
}
