import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@custodia/store/testing';
import { startTestServer, type TestServer } from '../testing/test-server.js';

// Serving files does not depend on the database: the embedded one is enough here.
let s: TestServer;
let dir: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  dir = await tempDir('custodia-web-');
  await mkdir(join(dir.path, 'assets'));
  await writeFile(join(dir.path, 'index.html'), '<!doctype html><script type="module" src="/assets/app-1.js"></script>');
  await writeFile(join(dir.path, 'assets', 'app-1.js'), 'console.log(1)');
  s = await startTestServer('pglite', { webDist: dir.path });
});
after(async () => {
  await s?.close();
  await dir?.remove();
});

test('the web app: files, index.html for client routes, never for /api; no way out of the folder', async () => {
  const index = await fetch(`${s.url}/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type')!, /text\/html/);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  assert.match(index.headers.get('content-security-policy')!, /script-src 'self'/);
  assert.match(await index.text(), /app-1\.js/);
  const route = await fetch(`${s.url}/cases/3/items?q=x`);
  assert.match(await route.text(), /<!doctype html>/);
  const js = await fetch(`${s.url}/assets/app-1.js`);
  assert.match(js.headers.get('content-type')!, /javascript/);
  assert.match(js.headers.get('cache-control')!, /immutable/);
  assert.equal(await js.text(), 'console.log(1)');
  const api = await fetch(`${s.url}/api/nothing`);
  assert.equal(api.status, 404);
  assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'not-found');
  for (const p of ['/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc/passwd']) {
    const r = await fetch(`${s.url}${p}`);
    assert.doesNotMatch(await r.text(), /root:/);
  }
});
