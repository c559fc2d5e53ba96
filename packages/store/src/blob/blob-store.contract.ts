import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BlobStore } from '@custodia/core';

async function* chunksOf(...parts: (string | Buffer)[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p;
}

async function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of s) out.push(c as Buffer);
  return Buffer.concat(out);
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/**
 * The behaviour every BlobStore must have (filesystem today, S3-compatible later).
 * `make` returns a fresh, empty store and a cleanup function.
 */
export function blobStoreContract(name: string, make: () => Promise<{ store: BlobStore; cleanup: () => Promise<void> }>): void {
  describe(`BlobStore contract: ${name}`, () => {
    it('stores bytes under their SHA-256 and reads them back exactly', async () => {
      const { store, cleanup } = await make();
      try {
        const body = Buffer.concat([Buffer.from('КАМЕРА 3 '), Buffer.alloc(3_000_000, 7)]);
        const put = await store.put(chunksOf(body.subarray(0, 1000), body.subarray(1000)));
        assert.equal(put.sha256, sha(body));
        assert.equal(put.size, body.length);
        assert.equal(put.created, true);
        assert.equal(await store.has(put.sha256), true);
        assert.equal(await store.size(put.sha256), body.length);
        assert.deepEqual(await readAll(store.read(put.sha256)), body);
      } finally {
        await cleanup();
      }
    });

    it('keeps one copy of identical bytes and says it was a duplicate', async () => {
      const { store, cleanup } = await make();
      try {
        const a = await store.put(chunksOf('same bytes'));
        const b = await store.put(chunksOf('same ', 'bytes'));
        assert.equal(a.sha256, b.sha256);
        assert.equal(b.created, false);
        const all: string[] = [];
        for await (const s of store.list()) all.push(s);
        assert.deepEqual(all, [a.sha256]);
      } finally {
        await cleanup();
      }
    });

    it('stores the empty blob', async () => {
      const { store, cleanup } = await make();
      try {
        const put = await store.put(chunksOf());
        assert.equal(put.sha256, sha(''));
        assert.equal(put.size, 0);
        assert.equal((await readAll(store.read(put.sha256))).length, 0);
      } finally {
        await cleanup();
      }
    });

    it('serves byte ranges (inclusive end, as HTTP ranges)', async () => {
      const { store, cleanup } = await make();
      try {
        const put = await store.put(chunksOf('0123456789'));
        assert.equal((await readAll(store.read(put.sha256, { start: 2, end: 5 }))).toString(), '2345');
        assert.equal((await readAll(store.read(put.sha256, { start: 7 }))).toString(), '789');
      } finally {
        await cleanup();
      }
    });

    it('keeps nothing when the source fails mid-stream, and passes the error on', async () => {
      const { store, cleanup } = await make();
      try {
        async function* failing(): AsyncIterable<Uint8Array> {
          yield Buffer.alloc(1024, 1);
          throw new Error('EIO: device went away');
        }
        await assert.rejects(store.put(failing()), /device went away/);
        const all: string[] = [];
        for await (const s of store.list()) all.push(s);
        assert.deepEqual(all, []);
      } finally {
        await cleanup();
      }
    });

    it('answers absent hashes with false / null, and rejects malformed ones', async () => {
      const { store, cleanup } = await make();
      try {
        assert.equal(await store.has(sha('nothing')), false);
        assert.equal(await store.size(sha('nothing')), null);
        await assert.rejects(store.has('../../etc/passwd'), /not a SHA-256/);
      } finally {
        await cleanup();
      }
    });
  });
}
