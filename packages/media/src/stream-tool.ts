// Running ffmpeg with its stdout read as bytes, as they come (decoded frames in constant memory),
// instead of collected as text like runTool. The same rules as runTool: argument arrays only (never
// a shell), stdin closed or fed by an upstream ffmpeg, stderr kept to a bounded tail, the processes
// killed (SIGKILL) on abort, timeout, or when a callback throws. What the bytes mean (raw frames,
// YUV4MPEG2, PPM) is the caller's: it gets every chunk in order.
import { spawn } from 'node:child_process';
import { abortReason, BoundedTail, MediaTimeoutError, STDERR_TAIL_BYTES } from './run-tool.js';

export interface StreamToolOptions {
  signal?: AbortSignal | undefined;
  /** Kill the processes after this many milliseconds (MediaTimeoutError). */
  timeoutMs?: number | undefined;
  /** Called once the process exists (tests check that it is gone after an abort). */
  onSpawn?: ((pid: number) => void) | undefined;
  /** Receives pause/resume of the reading (backpressure: ffmpeg blocks while paused). */
  onFlow?: ((flow: { pause(): void; resume(): void }) => void) | undefined;
  /** Called with each line written to stderr; an exception ends the run (killing it) with that error. */
  onStderrLine?: ((line: string) => void) | undefined;
  /**
   * Arguments of a first process (same executable, same rules) whose stdout becomes this one's
   * stdin: e.g. a stream copy that drops packets before anything is decoded.
   */
  upstream?: readonly string[] | undefined;
}

export interface StreamToolResult {
  /** The exit code; a failing upstream's code when the main process exited 0. */
  code: number | null;
  killedBy: NodeJS.Signals | null;
  /** The last STDERR_TAIL_BYTES of stderr (the upstream's first). */
  stderrTail: string;
  durationMs: number;
}

const MAX_STDERR_LINE = 4096;

/**
 * Runs `command args…` and calls `onChunk` with every piece of stdout, in order. Resolves when the
 * process exits, whatever the exit code; rejects when it cannot start, on abort (with the signal's
 * reason), on timeout (MediaTimeoutError), or with the error `onChunk` or `onStderrLine` threw.
 *
 * @example
 * let bytes = 0;
 * const r = await streamTool('ffmpeg', ['-nostdin', '-i', f, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], (b) => { bytes += b.length; });
 */
export function streamTool(command: string, args: readonly string[], onChunk: (chunk: Buffer) => void, opts: StreamToolOptions = {}): Promise<StreamToolResult> {
  const { signal, timeoutMs } = opts;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const started = Date.now();
  return new Promise<StreamToolResult>((resolve, reject) => {
    const env = { ...process.env, AV_LOG_FORCE_NOCOLOR: '1' };
    const up = opts.upstream ? spawn(command, opts.upstream, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true, env }) : null;
    const child = spawn(command, args, { stdio: [up ? up.stdout : 'ignore', 'pipe', 'pipe'], shell: false, windowsHide: true, env });
    const upErr = new BoundedTail(STDERR_TAIL_BYTES);
    up?.stderr.on('data', (b: Buffer) => upErr.push(b));
    // The child holds the pipe now; our copy of its reading end would keep the upstream alive.
    up?.stdout.destroy();
    const err = new BoundedTail(STDERR_TAIL_BYTES);
    const stderrTail = (): string => (up ? `${upErr.text()}${err.text()}` : err.text());
    let failure: unknown = null;
    let settled = false;

    const alive = (p: { exitCode: number | null; signalCode: NodeJS.Signals | null }): boolean => p.exitCode === null && p.signalCode === null;
    const kill = (why: unknown): void => {
      if (failure === null) failure = why;
      if (alive(child)) child.kill('SIGKILL');
      if (up && alive(up)) up.kill('SIGKILL');
    };
    const onAbort = (): void => kill(abortReason(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      timeoutMs !== undefined && timeoutMs > 0 && Number.isFinite(timeoutMs)
        ? setTimeout(() => kill(new MediaTimeoutError(`${command} did not finish within ${Math.round(timeoutMs / 1000)} s and was killed`, command, args, null, stderrTail())), timeoutMs)
        : null;
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    opts.onFlow?.({ pause: () => child.stdout.pause(), resume: () => child.stdout.resume() });

    child.stdout.on('data', (b: Buffer) => {
      if (failure !== null) return;
      try {
        onChunk(b);
      } catch (e) {
        kill(e);
      }
    });
    let errLine = '';
    child.stderr.on('data', (b: Buffer) => {
      err.push(b);
      if (!opts.onStderrLine || failure !== null) return;
      const lines = (errLine + b.toString('utf8')).split('\n');
      errLine = lines.pop() ?? '';
      if (errLine.length > MAX_STDERR_LINE) errLine = '';
      try {
        for (const l of lines) opts.onStderrLine(l.replace(/\r$/, ''));
      } catch (e) {
        kill(e);
      }
    });

    const done = (): void => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (e) => {
      if (settled) return;
      settled = true;
      done();
      if (up && alive(up)) up.kill('SIGKILL');
      reject(failure ?? e);
    });
    up?.on('error', (e) => kill(e));
    child.on('close', (code, sig) => {
      if (settled) return;
      const finish = (upCode: number | null): void => {
        if (settled) return;
        settled = true;
        done();
        if (failure !== null) reject(failure);
        else resolve({ code: code === 0 && upCode !== null && upCode !== 0 ? upCode : code, killedBy: sig, stderrTail: stderrTail(), durationMs: Date.now() - started });
      };
      // The upstream process ends when its reader is gone; do not leave it behind.
      if (!up || !alive(up)) {
        finish(up ? up.exitCode : 0);
        return;
      }
      up.once('close', (c) => finish(c));
      up.kill('SIGKILL');
    });
  });
}
