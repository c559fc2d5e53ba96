export * from './steps.js';
export * from './enqueue.js';
export * from './media-steps.js';
export * from './faces-step.js';
