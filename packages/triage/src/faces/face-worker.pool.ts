// A process-wide pool of face-detection worker threads, started on first use and kept for the
// process's life (models load once per thread: ~0.5 s). Idle workers do not keep the process alive.
import { Worker } from 'node:worker_threads';
import type { FaceBackend } from './face-runtime.js';
import type { FaceBox } from './face-boxes.js';
import type { DetectorSpec } from './face-profiles.js';
import type { FaceWorkerData, FaceWorkerReply, FaceWorkerRequest } from './face-detect.worker.js';

export interface FrameDetection {
  boxes: FaceBox[];
  /** Live tensors in the worker after the frame (constant when nothing leaks). */
  numTensors: number;
  ms: number;
}

interface Pending {
  resolve: (d: FrameDetection) => void;
  reject: (e: Error) => void;
}

class FaceWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  dead = false;

  constructor(backend: FaceBackend) {
    this.worker = new Worker(new URL('./face-detect.worker.js', import.meta.url), { workerData: { backend } satisfies FaceWorkerData });
    this.worker.unref();
    this.worker.on('message', (m: FaceWorkerReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if (m.ok) p.resolve({ boxes: m.boxes, numTensors: m.numTensors, ms: m.ms });
      else p.reject(new Error(`face detection failed: ${m.error}`));
    });
    const fail = (e: Error): void => {
      this.dead = true;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', (e) => fail(new Error(`face detection worker failed: ${e.message}`)));
    this.worker.on('exit', (code) => fail(new Error(`face detection worker exited (code ${code})`)));
  }

  get load(): number {
    return this.pending.size;
  }

  detect(rgb: Uint8Array, width: number, height: number, spec: DetectorSpec): Promise<FrameDetection> {
    const id = this.nextId++;
    // The frame's own buffer travels to the worker (no copy); callers hand over a fresh one.
    const buf = rgb.byteOffset === 0 && rgb.byteLength === rgb.buffer.byteLength ? (rgb.buffer as ArrayBuffer) : rgb.slice().buffer;
    return new Promise<FrameDetection>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, rgb: buf, width, height, spec } satisfies FaceWorkerRequest, [buf]);
    });
  }

  terminate(): Promise<number> {
    this.dead = true;
    return this.worker.terminate();
  }
}

const pools = new Map<FaceBackend, FaceWorker[]>();

/** Sends a frame to the least busy of `size` workers (started as needed) of the given backend. */
export function detectInPool(size: number, backend: FaceBackend, rgb: Uint8Array, width: number, height: number, spec: DetectorSpec): Promise<FrameDetection> {
  const pool = (pools.get(backend) ?? []).filter((w) => !w.dead);
  pools.set(backend, pool);
  let target = pool.slice(0, size).sort((a, b) => a.load - b.load)[0];
  if (!target || (target.load > 0 && pool.length < size)) {
    target = new FaceWorker(backend);
    pool.push(target);
  }
  return target.detect(rgb, width, height, spec);
}

/** Stops every worker (tests and benchmarks that want a cold start, or a clean exit). */
export async function closeFacePool(): Promise<void> {
  const all = [...pools.values()].flat();
  pools.clear();
  await Promise.all(all.map((w) => w.terminate()));
}
