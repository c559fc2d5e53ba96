export * from './deterministic-bytes.js';
export * from './intake-harness.js';
export * from './intake-process.js';
