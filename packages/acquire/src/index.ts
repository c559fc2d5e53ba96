// @custodia/acquire: reading evidence from where it lies (a walked directory tree, one file, a zip
// archive), with every problem reported precisely and nothing skipped silently.
export * from './name-decoding.js';
export * from './sniff.js';
export * from './structure-check.js';
export * from './fs-walk.js';
export * from './file-reader.js';
export * from './zip-reader.js';
