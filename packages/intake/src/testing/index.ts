export * from './deterministic-bytes.js';
export * from './intake-harness.js';
