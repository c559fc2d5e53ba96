import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from './config.js';

describe('configuration: the source intake', () => {
  it('is embedded by default, in its own folder under the instance folder, on port 8470', () => {
    const c = loadConfig({ CUSTODIA_HOME: '/srv/custodia' });
    assert.deepEqual(c.intake, { mode: 'embedded', home: '/srv/custodia/intake', databaseUrl: undefined, port: 8470, url: undefined, token: undefined });
  });

  it('takes its own folder, database and port; a URL makes it remote; off turns it off', () => {
    const own = loadConfig({ CUSTODIA_HOME: 'data', CUSTODIA_INTAKE_HOME: 'intake-data', CUSTODIA_INTAKE_DATABASE_URL: 'postgres://x/intake', CUSTODIA_INTAKE_PORT: '9000' });
    assert.equal(own.intake!.home, resolve('intake-data'));
    assert.equal(own.intake!.databaseUrl, 'postgres://x/intake');
    assert.equal(own.intake!.port, 9000);
    const remote = loadConfig({ CUSTODIA_INTAKE_URL: 'http://10.0.0.2:8470/', CUSTODIA_INTAKE_TOKEN: 'cit_0123456789abcdefghij' });
    assert.equal(remote.intake!.mode, 'remote');
    assert.equal(remote.intake!.url, 'http://10.0.0.2:8470');
    assert.equal(loadConfig({ CUSTODIA_INTAKE: 'off', CUSTODIA_INTAKE_URL: 'http://10.0.0.2:8470' }).intake!.mode, 'off');
  });

  it('names every bad intake setting', () => {
    assert.throws(
      () => loadConfig({ CUSTODIA_INTAKE_PORT: '99999', CUSTODIA_INTAKE_DATABASE_URL: 'mysql://x', CUSTODIA_INTAKE: 'maybe', CUSTODIA_INTAKE_TOKEN: 'short' }),
      (e: Error) => ['CUSTODIA_INTAKE_PORT', 'CUSTODIA_INTAKE_DATABASE_URL', 'CUSTODIA_INTAKE:', 'CUSTODIA_INTAKE_TOKEN: the pull token'].every((k) => e.message.includes(k)),
    );
  });
});

describe('configuration: the faces step', () => {
  it('parses the profile and rate; bad values are listed by key, all at once', () => {
    const c = loadConfig({ CUSTODIA_HOME: '/tmp/x', CUSTODIA_FACES_PROFILE: 'thorough', CUSTODIA_FACES_FPS: '0.5' });
    assert.deepEqual(c.faces, { profile: 'thorough', sampleFps: 0.5 });
    assert.deepEqual(loadConfig({ CUSTODIA_HOME: '/tmp/x' }).faces, { profile: undefined, sampleFps: undefined });
    assert.throws(
      () => loadConfig({ CUSTODIA_FACES_PROFILE: 'best', CUSTODIA_FACES_FPS: '50' }),
      (e: Error) => /CUSTODIA_FACES_PROFILE/.test(e.message) && /CUSTODIA_FACES_FPS: at most 10/.test(e.message),
    );
    assert.throws(() => loadConfig({ CUSTODIA_FACES_FPS: 'fast' }), /CUSTODIA_FACES_FPS: frames per second/);
  });
});
