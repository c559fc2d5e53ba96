export * from './overlay-time.parser.js';
export * from './text-lines.locator.js';
export * from './line-image.js';
export * from './label-script.js';
export * from './frame-sampler.js';
export * from './tesseract.engine.js';
export * from './read-overlay.js';
