// @custodia/media: making hostile evidence video viewable without touching the original — probing,
// browser-playable proxies, filmstrips, and salvage of cut-off recordings. Uses Debian's ffmpeg.
export * from './media-tools.js';
export * from './run-tool.js';
export * from './stream-tool.js';
export * from './media-types.js';
export * from './iso-bmff.js';
export * from './file-structure.js';
export * from './probe.js';
export * from './decode-check.js';
export * from './proxy.js';
export * from './thumbnails.js';
export * from './nal-units.js';
export * from './untrunc.js';
export * from './salvage.js';
export * from './redact.js';
export * from './poster-frame.js';
