import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ingest } from '@custodia/core';
import { startLocalTsa, type LocalTsa } from '@custodia/ledger/testing';
import { anchorCheckpoint, initVault, tokensOf, verifyLedger, type Vault } from '@custodia/store';
import { DB_KINDS, tempDir, testConfig } from '@custodia/store/testing';
import { fsEvidenceReader } from './evidence-reader.js';

for (const kind of DB_KINDS) {
  describe(`RFC 3161 anchoring of checkpoints on ${kind}`, () => {
    let tsa: LocalTsa;
    let vault: Vault;
    let cleanup: () => Promise<void>;

    before(async () => {
      tsa = await startLocalTsa();
      const t = await testConfig(kind, { tsaUrls: [] });
      t.config.tsaUrls = [tsa.url];
      t.config.tsaCaFile = tsa.caFile;
      cleanup = t.cleanup;
      vault = (await initVault(t.config, { actor: 'admin' })).vault;
    });
    after(async () => {
      await vault?.close();
      await cleanup?.();
      await tsa?.close();
    });

    it('timestamps the first checkpoint at init, and each checkpoint after an ingest', async () => {
      assert.equal((await tokensOf(vault.db)).length, 1);
      const ev = await tempDir();
      try {
        await writeFile(join(ev.path, 'a.bin'), 'evidence');
        await ingest(
          { caseName: 'tsa', roots: [ev.path], operator: 'a', host: 'h', toolVersion: 't' },
          { repo: vault.repo, blobs: vault.blobs, reader: fsEvidenceReader },
        );
      } finally {
        await ev.remove();
      }
      const { anchors } = await vault.checkpoint();
      assert.deepEqual(anchors.map((a) => a.ok), [true]);
      assert.equal((await tokensOf(vault.db)).length, 2);
    });

    it('the stored tokens verify with plain `openssl ts -verify`, outside our code', async () => {
      const dir = await tempDir();
      try {
        const cps = await vault.ledger.checkpoints(vault.db);
        for (const t of await tokensOf(vault.db)) {
          const cp = cps.find((c) => c.id === t.checkpointId)!;
          await writeFile(join(dir.path, 'note.txt'), cp.note);
          await writeFile(join(dir.path, 'token.tst'), t.token);
          const out = execFileSync(
            'openssl',
            ['ts', '-verify', '-data', join(dir.path, 'note.txt'), '-in', join(dir.path, 'token.tst'), '-token_in', '-CAfile', tsa.caFile],
            { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
          );
          assert.match(out, /Verification: OK/);
        }
      } finally {
        await dir.remove();
      }
      const r = await verifyLedger(vault);
      assert.equal(r.ok, true, JSON.stringify(r.problems));
      assert.equal(r.timestampTokens.checked, 2);
      assert.equal(r.timestampTokens.verifiedWithOpenssl, 2);
    });

    it('a TSA outage does not stop the checkpoint; "ledger anchor" catches up later', async () => {
      tsa.behaviour = 'http-error';
      await vault.db.transaction((tx) => vault.ledger.append(tx, { actor: 'a', action: 'viewed', details: { item: 1 } }));
      const { checkpoint, anchors } = await vault.checkpoint();
      assert.equal(anchors[0]!.ok, false);
      assert.match(anchors[0]!.error!, /HTTP|500|status/i);
      assert.equal((await tokensOf(vault.db, checkpoint.id)).length, 0);
      tsa.behaviour = 'ok';
      const retry = await anchorCheckpoint(vault.db, checkpoint, vault.config);
      assert.deepEqual(retry.map((a) => a.ok), [true]);
      assert.equal((await tokensOf(vault.db, checkpoint.id)).length, 1);
    });

    it('a token altered in the database is caught and named', async () => {
      const [t] = await tokensOf(vault.db);
      const bad = Buffer.from(t!.token);
      bad[bad.length - 10]! ^= 0xff;
      await vault.db.transaction(async (tx) => {
        await tx.exec('ALTER TABLE timestamp_tokens DISABLE TRIGGER timestamp_tokens_append_only');
        await tx.query('UPDATE timestamp_tokens SET token = $1 WHERE id = $2', [bad, t!.id]);
        await tx.exec('ALTER TABLE timestamp_tokens ENABLE TRIGGER timestamp_tokens_append_only');
      });
      const r = await verifyLedger(vault);
      assert.equal(r.ok, false);
      assert.ok(r.problems.some((p) => p.where.startsWith(`timestamp token ${t!.id} `)), JSON.stringify(r.problems));
    });
  });
}
