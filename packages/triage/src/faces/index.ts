// Face detection on sampled video frames (face-api SSD MobileNet v1 / Tiny on TensorFlow.js wasm).
export { detectFaces, faceModelName, type FaceDetectOptions, type FaceDetectResult, type FaceFrame } from './detect-faces.js';
export { FACE_API_VERSION, FACE_PROFILES, PROFILE_SPECS, modelName, type DetectorSpec, type FaceDetectorName, type FaceProfile } from './face-profiles.js';
export { clipBox, iou, matchBoxes, mergeDetections, type FaceBox } from './face-boxes.js';
export { detectInPool, closeFacePool, type FrameDetection } from './face-worker.pool.js';
export { faceRuntime, type FaceBackend, type FaceRuntime } from './face-runtime.js';
export { streamPpmFrames, parsePpmHeader, type RgbFrame, type PpmStreamOptions, type PpmStreamResult } from './ppm-frame.stream.js';
