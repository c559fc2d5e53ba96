// What runs on each sampled frame. Measured on this machine (2 shared cores, wasm backend, 720p
// frames; packages/triage/bench/faces.bench.mjs and docs/adr/0008-face-detection.md):
// - SSD MobileNet v1 finds the demo photos' faces also when the photo covers a fifth of a CCTV
//   frame (faces ~30–50 px); the Tiny detector finds none of them at 416 or 608 once faces are
//   below ~60 px — and small, distant faces are what fixed cameras record. So SSD is the default.
// - 'thorough' adds SSD on four overlapping tiles (each ~60 % of the frame, so faces reach the
//   network ~1.7× larger): the most faces, at ~5× the cost.
// - 'fast' (Tiny at 416) is for a first look at close-up footage (body-cams), never for redaction.
import { createRequire } from 'node:module';

export type FaceProfile = 'fast' | 'standard' | 'thorough';
export const FACE_PROFILES: readonly FaceProfile[] = ['fast', 'standard', 'thorough'];

export type FaceDetectorName = 'ssd-mobilenet-v1' | 'tiny-face-detector';

export interface DetectorSpec {
  detector: FaceDetectorName;
  /** Tiny detector's square input size (multiple of 32). */
  inputSize?: number;
  /** Boxes scoring below this are not kept. */
  minScore: number;
  /** Also run on 2×2 overlapping tiles and merge (small faces). */
  tiles: boolean;
}

export const PROFILE_SPECS: Record<FaceProfile, DetectorSpec> = {
  fast: { detector: 'tiny-face-detector', inputSize: 416, minScore: 0.5, tiles: false },
  standard: { detector: 'ssd-mobilenet-v1', minScore: 0.5, tiles: false },
  thorough: { detector: 'ssd-mobilenet-v1', minScore: 0.4, tiles: true },
};

const require = createRequire(import.meta.url);

/** The installed face-api version (its weights ship inside the npm package, so this names them too). */
export const FACE_API_VERSION: string = (require('@vladmandic/face-api/package.json') as { version: string }).version;

/**
 * The name recorded with results: detector, its settings and the library version. A different
 * name is a different run (new results are added beside the old, never over them).
 */
export function modelName(spec: DetectorSpec): string {
  const size = spec.detector === 'tiny-face-detector' ? `@${spec.inputSize ?? 416}` : '';
  return `${spec.detector}${size}${spec.tiles ? '+tiles' : ''} min${spec.minScore} face-api ${FACE_API_VERSION}`;
}
