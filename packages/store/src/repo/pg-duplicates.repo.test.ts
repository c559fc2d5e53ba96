// Filing videos into duplicate groups, on both databases: join, later join at an offset, merge of
// two groups through a video linking them, exact copies alone, and re-runs that write nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { PgliteDb } from '../db/pglite.db.js';
import { PostgresDb } from '../db/postgres.db.js';
import { createTestDatabase, DB_KINDS, type DbKind } from '../testing/test-databases.js';
import { PgDuplicatesRepo, type DuplicateLink } from './pg-duplicates.repo.js';
import { PgLedger } from './pg-ledger.repo.js';

async function withDb(kind: DbKind, fn: (db: Db) => Promise<void>): Promise<void> {
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
    await fn(db);
  } finally {
    await db.close();
    await t.drop();
  }
}

const sha = (c: string) => c.repeat(64);
const [A, B, C, E, F, X, Y] = ['a', 'b', 'c', 'e', 'f', '1', '2'].map(sha) as [string, string, string, string, string, string, string];
const DUR: Record<string, number> = { [A]: 40, [B]: 39.8, [C]: 14, [E]: 30, [F]: 29.5, [X]: 14, [Y]: 20 };
const link = (s: string, offsetSec: number, similarity = 0.9): DuplicateLink => ({ sha256: s, durationSec: DUR[s]!, offsetSec, similarity });

for (const kind of DB_KINDS) {
  describe(`PgDuplicatesRepo on ${kind}`, () => {
    it('joins, merges and re-runs without writing twice', () =>
      withDb(kind, async (db) => {
        const ledger = new PgLedger();
        const repo = new PgDuplicatesRepo(db, ledger);
        const c = await db.query<{ id: string }>("INSERT INTO cases (name) VALUES ('c') RETURNING id");
        const caseId = Number(c.rows[0]!.id);
        for (const s of [A, B, C, E, F, X, Y]) await db.query('INSERT INTO blobs (sha256, size) VALUES ($1, 1)', [s]);
        const apply = (s: string, links: DuplicateLink[], exact = false) =>
          db.transaction((tx) => repo.applyDuplicates(tx, caseId, { sha256: s, durationSec: DUR[s]! }, links, exact, 'test'));
        const entries = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM ledger_entries')).rows[0]!.n);
        const members = async () => {
          const gs = await repo.groupsOfCase(caseId);
          return gs.map((g) => ({ ref: g.referenceSha256[0], m: g.members.map((m) => [m.sha256[0], m.kind, m.offsetSec]) }));
        };

        // B is a re-encoding of A (A starts 0.1 s into B): A, the longest, is the reference.
        const g1 = await apply(B, [link(A, 0.1)]);
        assert.ok(g1 !== null);
        assert.deepEqual(await members(), [{ ref: 'a', m: [['b', 're-encoded', -0.1], ['a', 'exact', 0]] }]);
        // C, a clip: A starts 12 s before it.
        assert.equal(await apply(C, [link(A, -12)]), g1);
        assert.deepEqual((await members())[0]!.m.find((m) => m[0] === 'c'), ['c', 'segment', 12]);
        // The same filing again writes nothing.
        const n = await entries();
        assert.equal(await apply(C, [link(A, -12)]), g1);
        assert.equal(await apply(A, [link(B, -0.1), link(C, 12)]), g1);
        assert.equal(await entries(), n);

        // Another group: F is a re-encoding of E.
        const g2 = await apply(F, [link(E, 0)]);
        assert.notEqual(g2, g1);
        assert.equal((await members()).length, 2);
        // X overlaps C (same start) and E (E starts 5 s into X): one group, on A's timeline.
        assert.equal(await apply(X, [link(C, 0), link(E, 5)]), g1);
        const merged = await members();
        assert.equal(merged.length, 1);
        const at = Object.fromEntries(merged[0]!.m.map((m) => [m[0], m[2]]));
        assert.equal(at['1'], 12);
        assert.equal(at.e, 17);
        assert.equal(at.f, 17);

        // Exact copies with no near-duplicate: a group of one blob (the report lists its items).
        const g3 = await apply(Y, [], true);
        assert.ok(g3 !== null && g3 !== g1);
        assert.equal(await apply(Y, [], true), g3);
        const actions = await db.query<{ action: string }>("SELECT action FROM ledger_entries WHERE action LIKE 'duplicate%' ORDER BY seq");
        assert.ok(actions.rows.every((r) => r.action === 'duplicates-found' || r.action === 'duplicate-group-created'));
      }));
  });
}
