import { createHash } from 'node:crypto';
import { decodeEntry, type LedgerEntry } from '@custodia/ledger';
import type { Caller, CaseRole } from '@custodia/core';
import type { Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { PgliteDb } from '../db/pglite.db.js';
import { PostgresDb } from '../db/postgres.db.js';
import { PgLedger } from '../repo/pg-ledger.repo.js';
import { createTestDatabase, type DbKind } from '../testing/test-databases.js';
import { documentationRepos, type DocumentationRepos } from './pg-documentation.js';
import { pgCaller } from './pg-caller.js';

export interface DocWorld {
  db: Db;
  ledger: PgLedger;
  repos: DocumentationRepos;
  caseId: number;
  otherCaseId: number;
  /** Two items of the case and one of the other case, with their blobs' hashes. */
  items: { id: number; sha256: string }[];
  otherItem: { id: number; sha256: string };
  /** Callers by username: alice analyst, bob and carol reviewers, olga observer, cora coordinator, gina analyst with the protected-identities grant, sara analyst with the source-identity grant. */
  as: Record<'alice' | 'bob' | 'carol' | 'olga' | 'cora' | 'gina' | 'sara' | 'admin' | 'stranger', Caller>;
  entries(): Promise<LedgerEntry[]>;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A migrated database with a case, its items, users and memberships, on PGlite or PostgreSQL. */
export async function withDocWorld(kind: DbKind, fn: (w: DocWorld) => Promise<void>): Promise<void> {
  let db: Db;
  let drop = async () => {};
  if (kind === 'pglite') db = await PgliteDb.open(null);
  else {
    const t = await createTestDatabase();
    db = await PostgresDb.open(t.url);
    drop = t.drop;
  }
  try {
    await migrate(db);
    const ledger = new PgLedger();
    const cases: number[] = [];
    for (const name of ['Colony 1', 'Other case']) {
      cases.push((await db.query<{ id: number }>('INSERT INTO cases (name) VALUES ($1) RETURNING id', [name])).rows[0]!.id);
    }
    const items: { id: number; sha256: string; caseId: number }[] = [];
    for (const [i, caseId] of [cases[0]!, cases[0]!, cases[1]!].entries()) {
      const acq = (
        await db.query<{ id: number }>(
          `INSERT INTO acquisitions (case_id, kind, resume_key, operator, host, tool_version, roots, options, started_at, status, ledger_seq)
           VALUES ($1, 'bulk-ingest', $2, 'op', 'host', 't', '[]', '{}', now(), 'complete', 0) RETURNING id`,
          [caseId, `k${i}`],
        )
      ).rows[0]!.id;
      const h = sha(`video ${i}`);
      await db.query('INSERT INTO blobs (sha256, size) VALUES ($1, 10)', [h]);
      const id = (
        await db.query<{ id: number }>(
          `INSERT INTO items (case_id, acquisition_id, raw_path, display_path, rel_path, path_encoding, size, sha256, kind, format, status, ledger_seq)
           VALUES ($1, $2, $3, $4, $4, 'utf8', 10, $5, 'video', 'mp4', 'ok', 0) RETURNING id`,
          [caseId, acq, Buffer.from(`cam${i}.mp4`), `cam${i}.mp4`, h],
        )
      ).rows[0]!.id;
      items.push({ id, sha256: h, caseId });
    }
    const users: [string, CaseRole | null, string[], boolean][] = [
      ['alice', 'analyst', [], false],
      ['bob', 'reviewer', [], false],
      ['carol', 'reviewer', [], false],
      ['olga', 'observer', [], false],
      ['cora', 'coordinator', [], false],
      ['gina', 'analyst', ['protected-identities'], false],
      ['sara', 'analyst', ['source-identity'], false],
      ['admin', null, [], true],
      ['stranger', null, [], false],
    ];
    const as = {} as DocWorld['as'];
    for (const [username, role, grants, isAdmin] of users) {
      const id = (
        await db.query<{ id: number }>(`INSERT INTO users (username, display_name, password_hash, is_admin) VALUES ($1, $1, 'x', $2) RETURNING id`, [username, isAdmin])
      ).rows[0]!.id;
      if (role) await db.query('INSERT INTO memberships (case_id, user_id, role, grants) VALUES ($1, $2, $3, $4::text[])', [cases[0], id, role, grants]);
      as[username as keyof DocWorld['as']] = pgCaller(db, { id, username, isAdmin });
    }
    await fn({
      db,
      ledger,
      repos: documentationRepos(db, ledger),
      caseId: cases[0]!,
      otherCaseId: cases[1]!,
      items: items.slice(0, 2),
      otherItem: items[2]!,
      as,
      entries: async () => (await ledger.slice(db, 0, 100_000)).map((e) => decodeEntry(e.entry)),
    });
  } finally {
    await db.close();
    await drop();
  }
}
