import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enabledSteps, STEPS } from './steps.js';
import { facesJob } from './faces-step.js';
import { activityJob, activityTool } from './activity-job.js';
import { ACTIVITY_DETECTOR_VERSION } from '@custodia/triage';

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

test('activityJob: the key names the detector mode and version beside ffmpeg; thorough/1 results keep their recorded tool', () => {
  const sha = 'b'.repeat(64);
  const key = activityJob(sha, 'ffmpeg 5.1.6').key;
  assert.equal(key, `activity:${sha}:ffmpeg 5.1.6 activity thorough/${ACTIVITY_DETECTOR_VERSION.thorough}`);
  assert.notEqual(activityJob(sha, 'ffmpeg 5.1.6', 'fast').key, key);
  assert.notEqual(activityJob(sha, 'ffmpeg 6.0').key, key);
  assert.equal(activityJob(sha, 'ffmpeg 5.1.6').name, 'activity');
  assert.deepEqual(activityJob(sha, 'ffmpeg 5.1.6').payload, { sha256: sha });
  // Results stored before versions were named were thorough/1 under the bare ffmpeg version.
  assert.equal(activityTool('ffmpeg 5.1.6', 'thorough'), ACTIVITY_DETECTOR_VERSION.thorough === 1 ? 'ffmpeg 5.1.6' : `ffmpeg 5.1.6 activity thorough/${ACTIVITY_DETECTOR_VERSION.thorough}`);
  assert.equal(activityTool('ffmpeg 5.1.6', 'fast'), `ffmpeg 5.1.6 activity fast/${ACTIVITY_DETECTOR_VERSION.fast}`);
});
