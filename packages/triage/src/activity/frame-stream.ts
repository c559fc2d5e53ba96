// Reading fixed-size raw frames from ffmpeg's stdout as they are decoded. @custodia/media's runTool
// collects stdout as text or lines; raw video needs bytes, frame by frame, in constant memory. Same
// rules as runTool: an argument array (never a shell), stdin closed (callers pass -nostdin too),
// stderr kept to a bounded tail, the process killed on abort.
import { spawn } from 'node:child_process';
import { abortReason, MediaProcessError, STDERR_TAIL_BYTES } from '@custodia/media';

export interface FrameStreamOptions {
  /** Bytes in one frame (width × height for grey). */
  frameBytes: number;
  /**
   * Called with each complete frame. The buffer is reused for the next frame: copy what must be
   * kept. An exception kills the process and rejects the run with it.
   */
  onFrame: (frame: Uint8Array, index: number) => void;
  signal?: AbortSignal | undefined;
  /** Called once the process exists (tests check that it is gone after an abort). */
  onSpawn?: ((pid: number) => void) | undefined;
}

export interface FrameStreamResult {
  code: number | null;
  killedBy: NodeJS.Signals | null;
  frames: number;
  /** Bytes of an incomplete last frame (dropped). */
  trailingBytes: number;
  /** The last STDERR_TAIL_BYTES of stderr. */
  stderrTail: string;
  durationMs: number;
}

/**
 * Runs `command args…` and hands each frame of its stdout to `onFrame`. Resolves when the process
 * exits, whatever the exit code; rejects when it cannot start, on abort (with the signal's reason)
 * or when onFrame throws.
 */
export function streamRawFrames(command: string, args: readonly string[], opts: FrameStreamOptions): Promise<FrameStreamResult> {
  const { signal, frameBytes, onFrame } = opts;
  if (!(Number.isInteger(frameBytes) && frameBytes > 0)) return Promise.reject(new RangeError('frameBytes must be a positive integer'));
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const started = Date.now();
  return new Promise<FrameStreamResult>((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
      env: { ...process.env, AV_LOG_FORCE_NOCOLOR: '1' },
    });
    const frame = new Uint8Array(frameBytes);
    let fill = 0;
    let frames = 0;
    let errChunks: Buffer[] = [];
    let errSize = 0;
    let failure: unknown = null;
    let settled = false;

    const kill = (why: unknown): void => {
      if (failure === null) failure = why;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const onAbort = (): void => kill(abortReason(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);

    child.stdout.on('data', (b: Buffer) => {
      if (failure !== null) return;
      let off = 0;
      while (off < b.length) {
        const n = Math.min(frameBytes - fill, b.length - off);
        frame.set(b.subarray(off, off + n), fill);
        fill += n;
        off += n;
        if (fill === frameBytes) {
          fill = 0;
          try {
            onFrame(frame, frames);
          } catch (err) {
            kill(err);
            return;
          }
          frames += 1;
        }
      }
    });
    child.stderr.on('data', (b: Buffer) => {
      errChunks.push(b);
      errSize += b.length;
      if (errSize > STDERR_TAIL_BYTES * 2) {
        const all = Buffer.concat(errChunks);
        errChunks = [all.subarray(all.length - STDERR_TAIL_BYTES)];
        errSize = STDERR_TAIL_BYTES;
      }
    });
    const stderrTail = (): string => {
      const all = Buffer.concat(errChunks);
      return all.subarray(Math.max(0, all.length - STDERR_TAIL_BYTES)).toString('utf8');
    };

    const done = (): void => {
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
      resolve({ code, killedBy: sig, frames, trailingBytes: fill, stderrTail: stderrTail(), durationMs: Date.now() - started });
    });
  });
}

/** A frame-reading ffmpeg run failed; the message says why in people's terms. */
export class ActivityDecodeError extends MediaProcessError {
  override name = 'ActivityDecodeError';
}
