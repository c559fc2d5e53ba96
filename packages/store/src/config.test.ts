import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from './config.js';

test('faces settings: profile and rate parsed; bad values listed by key, all at once', () => {
  const c = loadConfig({ CUSTODIA_HOME: '/tmp/x', CUSTODIA_FACES_PROFILE: 'thorough', CUSTODIA_FACES_FPS: '0.5' });
  assert.deepEqual(c.faces, { profile: 'thorough', sampleFps: 0.5 });
  assert.deepEqual(loadConfig({ CUSTODIA_HOME: '/tmp/x' }).faces, { profile: undefined, sampleFps: undefined });
  assert.throws(
    () => loadConfig({ CUSTODIA_FACES_PROFILE: 'best', CUSTODIA_FACES_FPS: '50' }),
    (e: Error) => /CUSTODIA_FACES_PROFILE/.test(e.message) && /CUSTODIA_FACES_FPS: at most 10/.test(e.message),
  );
  assert.throws(() => loadConfig({ CUSTODIA_FACES_FPS: 'fast' }), /CUSTODIA_FACES_FPS: frames per second/);
});
