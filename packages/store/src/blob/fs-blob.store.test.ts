import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../testing/test-databases.js';
import { blobStoreContract } from './blob-store.contract.js';
import { FsBlobStore } from './fs-blob.store.js';

blobStoreContract('FsBlobStore', async () => {
  const dir = await tempDir();
  const store = new FsBlobStore(dir.path);
  await store.prepare();
  return { store, cleanup: dir.remove };
});

describe('FsBlobStore on disk', () => {
  it('lays blobs out as ab/cd/<sha256>, read-only, and leaves no temporary file', async () => {
    const dir = await tempDir();
    try {
      const store = new FsBlobStore(dir.path);
      await store.prepare();
      async function* one() {
        yield Buffer.from('evidence');
      }
      const put = await store.put(one());
      const p = join(dir.path, put.sha256.slice(0, 2), put.sha256.slice(2, 4), put.sha256);
      assert.equal(store.localPath(put.sha256), p);
      assert.equal((await stat(p)).mode & 0o777, 0o444);
      assert.deepEqual(await readdir(join(dir.path, 'tmp')), []);
    } finally {
      await dir.remove();
    }
  });

  it('removes temporary files left by a dead process, keeps those of live ones', async () => {
    const dir = await tempDir();
    try {
      await mkdir(join(dir.path, 'tmp'), { recursive: true });
      const dead = join(dir.path, 'tmp', '999999999-1-aa.part');
      const live = join(dir.path, 'tmp', `${process.ppid}-1-bb.part`);
      await writeFile(dead, 'half written');
      await writeFile(live, 'being written');
      const r = await new FsBlobStore(dir.path).prepare();
      assert.equal(r.removedTemp, 1);
      assert.equal(existsSync(dead), false);
      assert.equal(existsSync(live), true);
    } finally {
      await dir.remove();
    }
  });
});
