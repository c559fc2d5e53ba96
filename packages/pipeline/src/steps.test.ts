import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enabledSteps, STEPS } from './steps.js';

test('enabledSteps: every step by default; the probe always; unknown names refused with the list', () => {
  assert.deepEqual([...enabledSteps(undefined)].sort(), [...STEPS].sort());
  assert.deepEqual([...enabledSteps([])].sort(), [...STEPS].sort());
  assert.deepEqual([...enabledSteps(['proxy', 'activity'])].sort(), ['activity', 'probe', 'proxy']);
  assert.throws(() => enabledSteps(['proxy', 'facez']), (e: Error) => /unknown step facez/.test(e.message) && /steps: probe, salvage/.test(e.message));
});
