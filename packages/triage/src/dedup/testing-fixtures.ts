// Test and bench material for near-duplicate detection (exported as @custodia/triage/testing).
export * from './testing-clips.js';
export * from './testing-synthetic.js';
