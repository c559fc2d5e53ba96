export * from './frame-hash.js';
export * from './fingerprint.js';
export * from './frame-stream.js';
