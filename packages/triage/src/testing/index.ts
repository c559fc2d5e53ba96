// Test helpers of @custodia/triage (exported as "@custodia/triage/testing").
export * from './cctv-fixtures.js';
export * as dedupFixtures from '../dedup/testing-fixtures.js';
export * as faceClips from '../faces/testing-face-clips.js';
export * from './cctv-test-set.js';
