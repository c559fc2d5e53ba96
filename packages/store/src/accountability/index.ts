export * from './pg-accountability.repo.js';
export * from './pg-accountability-import.repo.js';
export * from './blob-source-text.js';
