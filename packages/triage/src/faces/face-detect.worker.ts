// One face runtime per worker thread: inference (~0.1–0.5 s per frame) runs off the main thread,
// so job leases, progress and ffmpeg's pipe keep moving, and two workers use both cores.
import { parentPort, workerData } from 'node:worker_threads';
import { faceRuntime, type FaceBackend } from './face-runtime.js';
import type { FaceBox } from './face-boxes.js';
import type { DetectorSpec } from './face-profiles.js';

export interface FaceWorkerData {
  backend: FaceBackend;
}

export type FaceWorkerRequest = { id: number; rgb: ArrayBuffer; width: number; height: number; spec: DetectorSpec };

export type FaceWorkerReply =
  | { id: number; ok: true; boxes: FaceBox[]; numTensors: number; ms: number }
  | { id: number; ok: false; error: string };

const port = parentPort;
if (port) {
  const { backend } = workerData as FaceWorkerData;
  const runtime = faceRuntime(backend);
  // An unhandled rejection would end the thread before the first request says why.
  runtime.catch(() => undefined);
  port.on('message', (m: FaceWorkerRequest) => {
    const started = performance.now();
    runtime
      .then(async (rt) => {
        const boxes = await rt.detect(new Uint8Array(m.rgb), m.width, m.height, m.spec);
        port.postMessage({ id: m.id, ok: true, boxes, numTensors: rt.numTensors(), ms: performance.now() - started } satisfies FaceWorkerReply);
      })
      .catch((e: unknown) => {
        port.postMessage({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) } satisfies FaceWorkerReply);
      });
  });
}
