// @custodia/triage — finding what matters in hundreds of hours of fixed-camera footage.
//   activity/  where something moves (frame differencing robust to noise, light and burned-in clocks)
//   dedup/     perceptual fingerprints and near-duplicate search (re-encodes, trimmed clips)
//   overlay/   the burned-in DVR clock and camera label, read offline (Tesseract)
//   faces/     face boxes on sampled frames (who is visible when; later, redaction suggestions)
export * from './activity/index.js';
export * from './dedup/index.js';
export * from './overlay/index.js';
export * from './faces/index.js';
