// Reading grey frames from ffmpeg's stdout as they are decoded. @custodia/media's runTool collects
// stdout as text or lines; video needs bytes, frame by frame, in constant memory. Same rules as
// runTool: an argument array (never a shell), stdin closed (callers pass -nostdin too), stderr kept
// to a bounded tail, the process killed on abort.
//
// The stream is YUV4MPEG2 (`-f yuv4mpegpipe -pix_fmt gray`): its header states the frame size and
// rate, so ffmpeg can choose the analysis size from the input's display aspect ratio (rotation
// and non-square pixels included) without a separate probe — one process start less (~0.1 s
// here, a third of the time budget of a one-minute clip in fast mode).
import { spawn } from 'node:child_process';
import { abortReason, STDERR_TAIL_BYTES } from '@custodia/media';

export interface Y4mHeader {
  width: number;
  height: number;
  /** Frames per second (F num:den). */
  fps: number;
}

export interface Y4mStreamOptions {
  /** Called once with the stream header, before the first frame. An exception ends the run. */
  onHeader: (header: Y4mHeader) => void;
  /**
   * Called with each complete frame. The buffer is reused for the next frame: copy what must be
   * kept. An exception kills the process and rejects the run with it.
   */
  onFrame: (frame: Uint8Array, index: number) => void;
  signal?: AbortSignal | undefined;
  /** Called once the process exists (tests check that it is gone after an abort). */
  onSpawn?: ((pid: number) => void) | undefined;
  /** Receives pause/resume of the reading (backpressure: ffmpeg blocks while paused). */
  onFlow?: ((flow: { pause(): void; resume(): void }) => void) | undefined;
  /** Called with each line ffmpeg writes to stderr; an exception ends the run (killing it) with that error. */
  onStderrLine?: ((line: string) => void) | undefined;
  /**
   * Arguments of a first ffmpeg whose stdout becomes this one's stdin (same executable, same
   * rules): e.g. a stream copy that drops packets before anything is decoded.
   */
  upstream?: readonly string[] | undefined;
}

export interface Y4mStreamResult {
  code: number | null;
  killedBy: NodeJS.Signals | null;
  frames: number;
  /** Bytes of an incomplete last frame (dropped). */
  trailingBytes: number;
  /** The last STDERR_TAIL_BYTES of stderr. */
  stderrTail: string;
  durationMs: number;
}

/** Parses "YUV4MPEG2 W160 H90 F25:1 Ip A1:1 Cmono …"; only grey (Cmono) streams are accepted. */
export function parseY4mHeader(line: string): Y4mHeader {
  const parts = line.trim().split(' ');
  if (parts[0] !== 'YUV4MPEG2') throw new Error(`not a YUV4MPEG2 stream: ${JSON.stringify(line.slice(0, 40))}`);
  let width = 0;
  let height = 0;
  let fps = 0;
  let color = 'C420jpeg';
  for (const p of parts.slice(1)) {
    const v = p.slice(1);
    if (p[0] === 'W') width = Number.parseInt(v, 10);
    else if (p[0] === 'H') height = Number.parseInt(v, 10);
    else if (p[0] === 'F') {
      const [n, d] = v.split(':').map((x) => Number.parseInt(x, 10));
      if (n !== undefined && d !== undefined && n > 0 && d > 0) fps = n / d;
    } else if (p[0] === 'C') color = p;
  }
  if (!(width > 0 && height > 0 && width <= 16384 && height <= 16384)) throw new Error(`YUV4MPEG2 header without a usable size: ${line.trim()}`);
  if (color !== 'Cmono') throw new Error(`YUV4MPEG2 stream is ${color.slice(1)}, expected mono (grey)`);
  return { width, height, fps };
}

const MAX_LINE = 1024;

/**
 * Runs `command args…` (which writes a grey YUV4MPEG2 stream to stdout) and hands each frame to
 * `onFrame`. Resolves when the process exits, whatever the exit code; rejects when it cannot
 * start, on abort (with the signal's reason), when the stream is malformed or a callback throws.
 */
export function streamY4mFrames(command: string, args: readonly string[], opts: Y4mStreamOptions): Promise<Y4mStreamResult> {
  const { signal, onFrame } = opts;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const started = Date.now();
  return new Promise<Y4mStreamResult>((resolve, reject) => {
    const env = { ...process.env, AV_LOG_FORCE_NOCOLOR: '1' };
    const up = opts.upstream
      ? spawn(command, opts.upstream, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true, env })
      : null;
    const child = spawn(command, args, {
      stdio: [up ? up.stdout : 'ignore', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
      env,
    });
    const upErr = new BoundedText();
    up?.stderr.on('data', (b: Buffer) => upErr.push(b));
    // Our copy of the pipe's read end is not needed once the downstream process has it.
    up?.stdout.destroy();
    let frame = new Uint8Array(0);
    let frameBytes = 0;
    let fill = 0;
    let frames = 0;
    // 'header' → ('tag' → 'data')*; line bytes are collected until '\n'.
    let state: 'header' | 'tag' | 'data' = 'header';
    let line = '';
    let failure: unknown = null;
    let settled = false;

    const kill = (why: unknown): void => {
      if (failure === null) failure = why;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (up && up.exitCode === null && up.signalCode === null) up.kill('SIGKILL');
    };
    const onAbort = (): void => kill(abortReason(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    opts.onFlow?.({ pause: () => child.stdout.pause(), resume: () => child.stdout.resume() });

    child.stdout.on('data', (b: Buffer) => {
      if (failure !== null) return;
      let off = 0;
      try {
        while (off < b.length) {
          if (state !== 'data') {
            const nl = b.indexOf(10, off);
            const end = nl < 0 ? b.length : nl;
            line += b.toString('latin1', off, end);
            if (line.length > MAX_LINE) throw new Error('YUV4MPEG2 stream: header line too long');
            off = end;
            if (nl < 0) break;
            off += 1;
            if (state === 'header') {
              const h = parseY4mHeader(line);
              frameBytes = h.width * h.height;
              frame = new Uint8Array(frameBytes);
              opts.onHeader(h);
              state = 'tag';
            } else if (line.startsWith('FRAME')) {
              state = 'data';
            } else {
              throw new Error(`YUV4MPEG2 stream: expected FRAME, got ${JSON.stringify(line.slice(0, 20))}`);
            }
            line = '';
            continue;
          }
          const n = Math.min(frameBytes - fill, b.length - off);
          frame.set(b.subarray(off, off + n), fill);
          fill += n;
          off += n;
          if (fill === frameBytes) {
            fill = 0;
            state = 'tag';
            onFrame(frame, frames);
            frames += 1;
          }
        }
      } catch (err) {
        kill(err);
      }
    });
    const err = new BoundedText();
    let errLine = '';
    child.stderr.on('data', (b: Buffer) => {
      err.push(b);
      if (!opts.onStderrLine || failure !== null) return;
      const lines = (errLine + b.toString('utf8')).split('\n');
      errLine = lines.pop() ?? '';
      if (errLine.length > MAX_LINE * 4) errLine = '';
      try {
        for (const l of lines) opts.onStderrLine(l.replace(/\r$/, ''));
      } catch (e) {
        kill(e);
      }
    });
    const stderrTail = (): string => (up ? `${upErr.text()}${err.text()}` : err.text());

    const done = (): void => {
      signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (e) => {
      if (settled) return;
      settled = true;
      done();
      if (up && up.exitCode === null && up.signalCode === null) up.kill('SIGKILL');
      reject(failure ?? e);
    });
    up?.on('error', (e) => kill(e));
    child.on('close', (code, sig) => {
      if (settled) return;
      // The upstream process ends when its reader is gone; do not leave it behind.
      const finish = (upCode: number | null): void => {
        if (settled) return;
        settled = true;
        done();
        if (failure !== null) {
          reject(failure);
          return;
        }
        resolve({ code: code === 0 && upCode !== null && upCode !== 0 ? upCode : code, killedBy: sig, frames, trailingBytes: fill, stderrTail: stderrTail(), durationMs: Date.now() - started });
      };
      if (!up || up.exitCode !== null || up.signalCode !== null) {
        finish(up ? up.exitCode : 0);
        return;
      }
      up.once('close', (c) => finish(c));
      up.kill('SIGKILL');
    });
  });
}

/** The last STDERR_TAIL_BYTES of a stream, as text. */
class BoundedText {
  private chunks: Buffer[] = [];
  private size = 0;
  push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
    if (this.size > STDERR_TAIL_BYTES * 2) {
      const all = Buffer.concat(this.chunks);
      this.chunks = [all.subarray(all.length - STDERR_TAIL_BYTES)];
      this.size = STDERR_TAIL_BYTES;
    }
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - STDERR_TAIL_BYTES)).toString('utf8');
  }
}
