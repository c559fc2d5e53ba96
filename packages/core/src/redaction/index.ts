// Redaction: recipes of boxes over time and muted audio, rendered into new blobs, approved by a second person (ADR 0017).
export * from './redaction-recipe.js';
export * from './face-tracks.js';
export * from './redaction.types.js';
export * from './redaction-note.js';
export * from './create-redaction.use-case.js';
export * from './update-redaction.use-case.js';
export * from './render-redaction.use-case.js';
export * from './review-redaction.use-case.js';
export * from './list-redactions.use-case.js';
export * from './suggest-redaction.use-case.js';
