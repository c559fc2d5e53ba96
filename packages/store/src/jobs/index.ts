export * from './job.types.js';
export * from './job.errors.js';
export * from './pg-job.queue.js';
export * from './worker.js';
