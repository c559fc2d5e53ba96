// Helpers of the browser tests (also used by bench/web.bench.mjs).
export * from './testing/browser.js';
export * from './testing/instance.js';
export * from './testing/totp.js';
