import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEntry, generateInstanceKey, leafHash, MerkleTree, openNote, parseCheckpoint } from '@custodia/ledger';
import type { Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { PgliteDb } from '../db/pglite.db.js';
import { PostgresDb } from '../db/postgres.db.js';
import { createTestDatabase, DB_KINDS, type DbKind } from '../testing/test-databases.js';
import { PgLedger } from './pg-ledger.repo.js';

async function withDb(kind: DbKind, fn: (db: Db, url?: string) => Promise<void>): Promise<void> {
  if (kind === 'pglite') {
    const db = await PgliteDb.open(null);
    try {
      await migrate(db);
      await fn(db);
    } finally {
      await db.close();
    }
    return;
  }
  const t = await createTestDatabase();
  const db = await PostgresDb.open(t.url);
  try {
    await migrate(db);
    await fn(db, t.url);
  } finally {
    await db.close();
    await t.drop();
  }
}

for (const kind of DB_KINDS) {
  describe(`PgLedger on ${kind}`, () => {
    it('appends gapless entries whose stored head root equals the Merkle root of all leaves', () =>
      withDb(kind, async (db) => {
        const ledger = new PgLedger();
        for (let i = 0; i < 37; i++) {
          await db.transaction((tx) => ledger.append(tx, { actor: 'a', action: 'viewed', subjects: [], details: { i } }));
        }
        const entries = await ledger.slice(db, 0, 100);
        assert.deepEqual(entries.map((e) => e.seq), [...Array(37).keys()]);
        for (const e of entries) {
          assert.equal(decodeEntry(e.entry).seq, e.seq);
          assert.ok(leafHash(e.entry).equals(e.leafHash));
        }
        const key = generateInstanceKey('test.example/log');
        const cp = await ledger.checkpoint(db, { origin: 'test.example/log', keyName: key.name, privateKeyPem: key.privateKeyPem });
        const tree = new MerkleTree(entries.map((e) => e.leafHash));
        assert.ok(cp.rootHash.equals(tree.root()));
        const opened = openNote(cp.note, [key.verifierKey]);
        assert.ok(opened.signatures.every((s) => s.verified));
        assert.equal(parseCheckpoint(opened.text).size, 37);
        // Signing again with nothing new appended returns the same checkpoint.
        const again = await ledger.checkpoint(db, { origin: 'test.example/log', keyName: key.name, privateKeyPem: key.privateKeyPem });
        assert.equal(again.id, cp.id);
      }));

    it('an append rolled back with its transaction leaves no entry and no gap', () =>
      withDb(kind, async (db) => {
        const ledger = new PgLedger();
        await db.transaction((tx) => ledger.append(tx, { actor: 'a', action: 'one' }));
        await assert.rejects(
          db.transaction(async (tx) => {
            await ledger.append(tx, { actor: 'a', action: 'two' });
            throw new Error('the evidence record failed');
          }),
          /evidence record failed/,
        );
        await db.transaction((tx) => ledger.append(tx, { actor: 'a', action: 'three' }));
        const actions = (await ledger.slice(db, 0, 10)).map((e) => [e.seq, decodeEntry(e.entry).action]);
        assert.deepEqual(actions, [
          [0, 'one'],
          [1, 'three'],
        ]);
      }));
  });
}

describe('PgLedger with several processes on one PostgreSQL server', () => {
  it('serialises concurrent appends from separate connection pools: no duplicate, no gap', () =>
    withDb('postgres', async (_db, url) => {
      const pools = await Promise.all([PostgresDb.open(url!, { max: 3 }), PostgresDb.open(url!, { max: 3 })]);
      try {
        const ledger = new PgLedger();
        await Promise.all(
          pools.flatMap((pool, p) =>
            Array.from({ length: 6 }, (_, w) =>
              (async () => {
                for (let i = 0; i < 25; i++) {
                  await pool.transaction((tx) => ledger.append(tx, { actor: `p${p}w${w}`, action: 'viewed', details: { i } }));
                }
              })(),
            ),
          ),
        );
        const entries = await ledger.slice(pools[0]!, 0, 1000);
        assert.equal(entries.length, 300);
        assert.deepEqual(entries.map((e) => e.seq), [...Array(300).keys()]);
        const head = await pools[0]!.query<{ size: number }>('SELECT size FROM ledger_head');
        assert.equal(head.rows[0]!.size, 300);
      } finally {
        await Promise.all(pools.map((p) => p.close()));
      }
    }));
});
