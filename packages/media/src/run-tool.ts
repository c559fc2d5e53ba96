// Running ffmpeg/ffprobe as child processes: argument arrays only (never a shell), stdin closed,
// stderr kept to a bounded tail, stdout bounded, killed on abort or timeout.
import { spawn } from 'node:child_process';

/** Keep at most this much of a tool's stderr (its last bytes: where the decisive error is). */
export const STDERR_TAIL_BYTES = 64 * 1024;

export interface RunOptions {
  signal?: AbortSignal | undefined;
  /** Kill the process after this many milliseconds. */
  timeoutMs?: number | undefined;
  /** Collect stdout up to this many bytes; more is an error (the process is killed). 0 = discard. */
  maxStdoutBytes?: number | undefined;
  /** Called with each complete stdout line (stdout is then not collected unless maxStdoutBytes > 0). */
  onStdoutLine?: ((line: string) => void) | undefined;
  cwd?: string | undefined;
  /** Called once the process exists (tests use the pid to check that it is gone after an abort). */
  onSpawn?: ((pid: number) => void) | undefined;
}

export interface RunResult {
  code: number | null;
  /** The signal that ended the process, if any. */
  killedBy: NodeJS.Signals | null;
  stdout: string;
  /** The last STDERR_TAIL_BYTES of stderr, as text. */
  stderrTail: string;
  durationMs: number;
}

/** A tool ran but failed (non-zero exit, killed by a signal, or too much output). */
export class MediaProcessError extends Error {
  override name = 'MediaProcessError';
  constructor(
    message: string,
    readonly tool: string,
    readonly args: readonly string[],
    readonly code: number | null,
    /** The tool's own last error lines, verbatim. */
    readonly stderrTail: string,
  ) {
    super(message);
  }
}

/** A tool was killed because it ran longer than allowed. */
export class MediaTimeoutError extends MediaProcessError {
  override name = 'MediaTimeoutError';
}

/** The reason an aborted signal carries, or a standard AbortError. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/** Keeps the last `limit` bytes of a stream (a tool's stderr), as text. */
export class BoundedTail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
    while (this.size > this.limit && this.chunks.length > 1) {
      const first = this.chunks.shift()!;
      this.size -= first.length;
    }
    if (this.size > this.limit * 2) {
      const all = Buffer.concat(this.chunks);
      this.chunks = [all.subarray(all.length - this.limit)];
      this.size = this.limit;
    }
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

/**
 * Runs `command args…` and resolves when it exits, whatever the exit code (callers decide what a
 * failure is). Rejects only when it cannot start, on abort (with the signal's reason), on timeout
 * (MediaTimeoutError) or when stdout exceeds its bound (MediaProcessError).
 */
export function runTool(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const { signal, timeoutMs, maxStdoutBytes = 0, onStdoutLine } = opts;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const started = Date.now();
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
      cwd: opts.cwd,
      env: { ...process.env, AV_LOG_FORCE_NOCOLOR: '1' },
    });
    const stderr = new BoundedTail(STDERR_TAIL_BYTES);
    const out: Buffer[] = [];
    let outSize = 0;
    let lineRest = '';
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
            () =>
              kill(
                new MediaTimeoutError(
                  `${command} did not finish within ${Math.round(timeoutMs / 1000)} s and was killed`,
                  command,
                  args,
                  null,
                  stderr.text(),
                ),
              ),
            timeoutMs,
          )
        : null;

    if (child.pid !== undefined) opts.onSpawn?.(child.pid);

    child.stdout.on('data', (b: Buffer) => {
      if (maxStdoutBytes > 0) {
        outSize += b.length;
        if (outSize > maxStdoutBytes) {
          kill(new MediaProcessError(`${command} wrote more than ${maxStdoutBytes} bytes to stdout`, command, args, null, stderr.text()));
          return;
        }
        out.push(b);
      }
      if (onStdoutLine) {
        const text = lineRest + b.toString('utf8');
        const lines = text.split('\n');
        lineRest = lines.pop() ?? '';
        if (lineRest.length > 65536) lineRest = '';
        for (const l of lines) onStdoutLine(l.replace(/\r$/, ''));
      }
    });
    child.stderr.on('data', (b: Buffer) => stderr.push(b));

    const finish = (code: number | null, sig: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (onStdoutLine && lineRest) onStdoutLine(lineRest);
      if (failure !== null) {
        reject(failure);
        return;
      }
      resolve({
        code,
        killedBy: sig,
        stdout: Buffer.concat(out).toString('utf8'),
        stderrTail: stderr.text(),
        durationMs: Date.now() - started,
      });
    };
    child.on('error', (err) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(failure ?? err);
    });
    child.on('close', finish);
  });
}

/** The last `maxLines` non-empty lines of a tool's stderr, verbatim, at most `maxChars` long. */
export function lastLines(stderr: string, maxLines = 8, maxChars = 2000): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0);
  const text = lines.slice(-maxLines).join('\n');
  return text.length > maxChars ? text.slice(text.length - maxChars) : text;
}

/** Parses ffmpeg `-progress pipe:1` lines; calls back with the output time in seconds. */
export class ProgressParser {
  frame = 0;
  outTimeSec = 0;
  ended = false;
  constructor(private readonly onTime?: (seconds: number) => void) {}
  line = (line: string): void => {
    const eq = line.indexOf('=');
    if (eq <= 0) return;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key === 'frame') {
      const n = Number.parseInt(value, 10);
      if (Number.isFinite(n) && n >= 0) this.frame = n;
    } else if (key === 'out_time_us') {
      const us = Number.parseInt(value, 10);
      if (Number.isFinite(us) && us >= 0) this.outTimeSec = us / 1e6;
    } else if (key === 'progress') {
      if (value === 'end') this.ended = true;
      this.onTime?.(this.outTimeSec);
    }
  };
}
