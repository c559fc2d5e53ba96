import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isDomainError } from '@custodia/core';
import { tempDir } from '@custodia/store/testing';
import { checkDemoFolder, DEMO_MARK, writeDemoState, type DemoState } from './demo-instance.js';

const state = (s: DemoState['state']): DemoState => ({
  format: 'custodia-demo/1',
  state: s,
  createdAt: '2026-11-30T00:00:00.000Z',
  caseName: 'Demo — synthetic footage',
  accountabilityCaseName: null,
  accounts: [],
  summary: {},
});

test('a missing or empty folder is fresh; a finished demo is reused; the mark is for its owner only', async () => {
  const dir = await tempDir('custodia-demo-mark-');
  try {
    assert.deepEqual(await checkDemoFolder(join(dir.path, 'missing')), { kind: 'fresh' });
    assert.deepEqual(await checkDemoFolder(dir.path), { kind: 'fresh' });
    await writeDemoState(dir.path, state('ready'));
    assert.equal((await stat(join(dir.path, DEMO_MARK))).mode & 0o777, 0o600);
    const r = await checkDemoFolder(dir.path);
    assert.equal(r.kind, 'ready');
  } finally {
    await dir.remove();
  }
});

test('a folder that is not a demo, an unfinished demo and an unknown mark are refused with what to do', async () => {
  const dir = await tempDir('custodia-demo-mark-');
  try {
    const real = join(dir.path, 'real');
    await mkdir(join(real, 'keys'), { recursive: true });
    await writeFile(join(real, 'keys', 'instance.key'), 'secret');
    await assert.rejects(checkDemoFolder(real), (e: Error) => isDomainError(e) && e.code === 'Conflict' && /not a Custodia demo.*--data/.test(e.message));
    assert.equal(await readFile(join(real, 'keys', 'instance.key'), 'utf8'), 'secret');

    const half = join(dir.path, 'half');
    await writeDemoState(half, state('building'));
    await assert.rejects(checkDemoFolder(half), /unfinished demo .*delete the folder/);

    const odd = join(dir.path, 'odd');
    await mkdir(odd);
    await writeFile(join(odd, DEMO_MARK), JSON.stringify({ format: 'something-else' }));
    await assert.rejects(checkDemoFolder(odd), /not a demo mark this version knows/);
    await writeFile(join(odd, DEMO_MARK), '{"format": "custodia-demo/1", ');
    await assert.rejects(checkDemoFolder(odd), /cannot be read .*delete the folder/);
  } finally {
    await dir.remove();
  }
});
