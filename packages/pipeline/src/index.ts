export * from './steps.js';
export * from './enqueue.js';
export * from './media-steps.js';
export * from './overlay-step.js';
export * from './faces-step.js';
export * from './redaction-renderer.js';
export * from './redaction-job.js';
