import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enabledSteps, STEPS } from './steps.js';
import { facesJob } from './faces-step.js';

test('enabledSteps: every step by default; the probe always; unknown names refused with the list', () => {
  assert.deepEqual([...enabledSteps(undefined)].sort(), [...STEPS].sort());
  assert.deepEqual([...enabledSteps([])].sort(), [...STEPS].sort());
  assert.deepEqual([...enabledSteps(['proxy', 'activity'])].sort(), ['activity', 'probe', 'proxy']);
  assert.throws(() => enabledSteps(['proxy', 'facez']), (e: Error) => /unknown step facez/.test(e.message) && /steps: probe, salvage/.test(e.message));
});

test('facesJob: the key names the profile and a non-default sampling rate, so a new setting is new work', () => {
  const sha = 'a'.repeat(64);
  const standard = facesJob(sha, 'ffmpeg 5.1.6').key;
  assert.equal(facesJob(sha, 'ffmpeg 5.1.6', { profile: 'standard', sampleFps: 1 }).key, standard);
  assert.notEqual(facesJob(sha, 'ffmpeg 5.1.6', { profile: 'thorough' }).key, standard);
  const half = facesJob(sha, 'ffmpeg 5.1.6', { sampleFps: 0.5 }).key;
  assert.notEqual(half, standard);
  assert.match(half, / 0\.5\/s$/);
});
