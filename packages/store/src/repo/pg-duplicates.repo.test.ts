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

    it('finds clock candidates of the same case near the clock, and keeps what linked each member', () =>
      withDb(kind, async (db) => {
        const repo = new PgDuplicatesRepo(db, new PgLedger());
        const [P, Q, R, S, T] = ['3', '4', '5', '6', '7'].map(sha) as [string, string, string, string, string];
        await db.exec(`
          INSERT INTO cases (id, name) VALUES (1, 'c'), (2, 'other');
          INSERT INTO acquisitions (id, case_id, kind, resume_key, operator, host, tool_version, roots, options, started_at, status, ledger_seq)
            VALUES (1, 1, 'bulk-ingest', 'k', 'op', 'h', 't', '[]', '{}', now(), 'complete', 0),
                   (2, 2, 'bulk-ingest', 'k2', 'op', 'h', 't', '[]', '{}', now(), 'complete', 0);
          INSERT INTO blobs (sha256, size) VALUES ('${P}', 1), ('${Q}', 1), ('${R}', 1), ('${S}', 1), ('${T}', 1);
          INSERT INTO items (case_id, acquisition_id, raw_path, display_path, rel_path, path_encoding, sha256, size, kind, format, status, ledger_seq)
            VALUES (1, 1, 'p', '/p.mp4', 'p.mp4', 'utf-8', '${P}', 1, 'video', 'mp4', 'ok', 0),
                   (1, 1, 'q', '/q.mp4', 'q.mp4', 'utf-8', '${Q}', 1, 'video', 'mp4', 'ok', 0),
                   (1, 1, 'r', '/r.mp4', 'r.mp4', 'utf-8', '${R}', 1, 'video', 'mp4', 'ok', 0),
                   (1, 1, 's', '/s.mp4', 's.mp4', 'utf-8', '${S}', 1, 'video', 'mp4', 'ok', 0),
                   (2, 2, 't', '/t.mp4', 't.mp4', 'utf-8', '${T}', 1, 'video', 'mp4', 'ok', 0);
          -- P: the original; Q: its trim 20 s in (read twice: the later reading counts); R: the next day;
          -- S: no clock; T: the same time, but in another case.
          INSERT INTO overlay_runs (sha256, tool, start_time, camera_label, confidence, flags, ledger_seq, created_at)
            VALUES ('${P}', 'ocr', '2024-04-01T19:33:20Z', 'CAM 3', 0.9, '[]', 0, now()),
                   ('${Q}', 'ocr 1', '2024-04-01T18:00:00Z', 'CAM 3', 0.9, '[]', 0, now() - interval '1 day'),
                   ('${Q}', 'ocr', '2024-04-01T19:33:40Z', 'cam 3', 0.9, '[]', 0, now()),
                   ('${R}', 'ocr', '2024-04-02T19:33:40Z', 'CAM 3', 0.9, '[]', 0, now()),
                   ('${S}', 'ocr', NULL, 'CAM 3', 0.9, '[]', 0, now()),
                   ('${T}', 'ocr', '2024-04-01T19:33:40Z', 'CAM 3', 0.9, '[]', 0, now());
        `);
        const c = await repo.clockCandidates(P, 1, 40);
        assert.deepEqual(c.own, { startTime: '2024-04-01T19:33:20.000Z', cameraLabel: 'CAM 3' });
        assert.deepEqual(c.others, [{ sha256: Q, startTime: '2024-04-01T19:33:40.000Z', cameraLabel: 'cam 3' }]);
        // Looking back: P started before Q, within the window.
        assert.deepEqual((await repo.clockCandidates(Q, 1, 14)).others.map((o) => o.sha256), [P]);
        assert.deepEqual(await repo.clockCandidates(S, 1, 14), { own: null, others: [] });

        // Q linked by the clock only: both the link and Q itself carry it; P (the reference) is filed by its pictures.
        await db.transaction((tx) => repo.applyDuplicates(tx, 1, { sha256: Q, durationSec: 14 }, [{ sha256: P, durationSec: 40, offsetSec: -20.3, similarity: 0.95, evidence: 'clock' }], false, 'test'));
        const g = await repo.groupsOfCase(1);
        assert.deepEqual(g[0]!.members.map((m) => [m.sha256, m.kind, m.offsetSec, m.evidence]), [[P, 'exact', 0, 'clock'], [Q, 'segment', 20.3, 'clock']]);
        const e = await db.query<{ entry: string }>("SELECT entry FROM ledger_entries WHERE action = 'duplicates-found'");
        assert.match(e.rows[0]!.entry, /"evidence":"clock"/);
        // A later fingerprint link of Q changes its evidence.
        await db.transaction((tx) => repo.applyDuplicates(tx, 1, { sha256: Q, durationSec: 14 }, [{ sha256: P, durationSec: 40, offsetSec: -20.3, similarity: 0.95 }], false, 'test'));
        const g2 = await repo.groupsOfCase(1);
        assert.deepEqual(g2[0]!.members.map((m) => m.evidence), ['fingerprint', 'fingerprint']);
      }));
  });
}
