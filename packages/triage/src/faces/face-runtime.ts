// TensorFlow.js and face-api in this thread, initialised once, lazily, fully offline: the wasm
// binaries are read from @tensorflow/tfjs-backend-wasm's dist folder and the weights from
// @vladmandic/face-api's model folder, both on disk. Nothing is fetched.
//
// face-api's `node-wasm` build is CommonJS and requires the same @tensorflow/tfjs and
// @tensorflow/tfjs-backend-wasm as we do; its `tf` export is that very instance, so tensors made
// here are the ones its networks expect. (Its default `node` build wants tfjs-node, not installed.)
// The wasm backend runs single-threaded in Node (tfjs disables its threads there): parallelism
// comes from several of these runtimes, one per worker thread.
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { clipBox, mergeDetections, type FaceBox } from './face-boxes.js';
import type { DetectorSpec } from './face-profiles.js';

type FaceApi = typeof import('@vladmandic/face-api/dist/face-api.node-wasm.js');
type Tf = typeof import('@tensorflow/tfjs') & typeof import('@tensorflow/tfjs-backend-wasm');

export type FaceBackend = 'wasm' | 'cpu';

export interface FaceRuntime {
  faceapi: FaceApi;
  tf: Tf;
  backend: FaceBackend;
  /** Runs the detector on one RGB frame; boxes normalised to the frame. Disposes what it makes. */
  detect(rgb: Uint8Array, width: number, height: number, spec: DetectorSpec): Promise<FaceBox[]>;
  /** Live tensors (the models' weights are a constant part of it). */
  numTensors(): number;
}

const require = createRequire(import.meta.url);

let loading: Promise<FaceRuntime> | null = null;
let loadedBackend: FaceBackend | null = null;

/** The runtime of this thread; the first call chooses the backend (the benchmark compares them). */
export function faceRuntime(backend: FaceBackend = 'wasm'): Promise<FaceRuntime> {
  if (loading) {
    if (loadedBackend !== backend) return Promise.reject(new Error(`face runtime already initialised with the ${loadedBackend} backend`));
    return loading;
  }
  loadedBackend = backend;
  loading = init(backend).catch((e: unknown) => {
    loading = null;
    loadedBackend = null;
    throw e;
  });
  return loading;
}

async function init(backend: FaceBackend): Promise<FaceRuntime> {
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  const tf = faceapi.tf as unknown as Tf;
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
  const modelDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  tf.setWasmPaths(wasmDir);
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js backend "${backend}" could not be initialised (wasm files expected in ${wasmDir})`);
  await tf.ready();
  // Both detectors are small (SSD 5.4 MB, Tiny 0.2 MB); loading both keeps one runtime per thread.
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir);

  const options = new Map<string, InstanceType<FaceApi['SsdMobilenetv1Options']> | InstanceType<FaceApi['TinyFaceDetectorOptions']>>();
  const optionsFor = (spec: DetectorSpec) => {
    const key = `${spec.detector}@${spec.inputSize ?? 0}/${spec.minScore}`;
    let o = options.get(key);
    if (!o) {
      o = spec.detector === 'ssd-mobilenet-v1'
        ? new faceapi.SsdMobilenetv1Options({ minConfidence: spec.minScore, maxResults: 100 })
        : new faceapi.TinyFaceDetectorOptions({ inputSize: spec.inputSize ?? 416, scoreThreshold: spec.minScore });
      options.set(key, o);
    }
    return o;
  };

  const detectIn = async (t: import('@tensorflow/tfjs').Tensor3D, spec: DetectorSpec, ox: number, oy: number, fw: number, fh: number): Promise<FaceBox[]> => {
    const found = await faceapi.detectAllFaces(t as never, optionsFor(spec));
    return found.map((d) => clipBox({ x: (d.box.x + ox) / fw, y: (d.box.y + oy) / fh, w: d.box.width / fw, h: d.box.height / fh, score: d.score }));
  };

  return {
    faceapi,
    tf,
    backend,
    numTensors: () => tf.memory().numTensors,
    async detect(rgb, width, height, spec) {
      if (rgb.length !== width * height * 3) throw new Error(`frame of ${rgb.length} bytes is not ${width}x${height} RGB`);
      const frame = tf.tensor3d(rgb, [height, width, 3], 'int32');
      try {
        const boxes = await detectIn(frame, spec, 0, 0, width, height);
        if (!spec.tiles) return boxes;
        // 2×2 tiles of 60 % each way overlap by 20 %: a face on a seam is whole in some tile.
        const tw = Math.round(width * 0.6);
        const th = Math.round(height * 0.6);
        for (const [ox, oy] of [[0, 0], [width - tw, 0], [0, height - th], [width - tw, height - th]] as const) {
          const tile = tf.slice(frame, [oy, ox, 0], [th, tw, 3]);
          try {
            boxes.push(...(await detectIn(tile, spec, ox, oy, width, height)));
          } finally {
            tile.dispose();
          }
        }
        return mergeDetections(boxes);
      } finally {
        frame.dispose();
      }
    },
  };
}
