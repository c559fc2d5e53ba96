// Test fixture for the job queue tests: a migrated database of either kind, with the tables the
// test handlers write to.
import type { Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { PgliteDb } from '../db/pglite.db.js';
import { PostgresDb } from '../db/postgres.db.js';
import { createTestDatabase, type DbKind } from '../testing/test-databases.js';

export interface JobsTestDb {
  db: Db;
  /** The server database's URL (postgres only), for child processes. */
  url: string | null;
  close: () => Promise<void>;
}

const TEST_TABLES = `
  CREATE TABLE job_effects (job_id bigint PRIMARY KEY, worker text NOT NULL);
  CREATE TABLE job_runs (job_id bigint NOT NULL, worker text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
`;

// Starting PGlite (WASM) takes seconds: the tests of one file share one instance, emptied between tests.
let sharedPglite: Promise<PgliteDb> | null = null;

/** A migrated database with empty job tables; `close()` drops it (postgres) or empties it (pglite). */
export async function openJobsTestDb(kind: DbKind, opts: { max?: number } = {}): Promise<JobsTestDb> {
  if (kind === 'pglite') {
    sharedPglite ??= PgliteDb.open(null).then(async (db) => {
      await migrate(db);
      await db.exec(TEST_TABLES);
      return db;
    });
    const db = await sharedPglite;
    return {
      db,
      url: null,
      close: () => db.exec('TRUNCATE jobs, job_effects, job_runs RESTART IDENTITY'),
    };
  }
  const t = await createTestDatabase();
  const db = await PostgresDb.open(t.url, { max: opts.max ?? 8 });
  try {
    await migrate(db);
    await db.exec(TEST_TABLES);
  } catch (e) {
    await db.close();
    await t.drop();
    throw e;
  }
  return {
    db,
    url: t.url,
    close: async () => {
      await db.close();
      await t.drop();
    },
  };
}

/** Closes the PGlite instance the tests of this file shared (call from `after`). */
export async function closeSharedPglite(): Promise<void> {
  const p = sharedPglite;
  sharedPglite = null;
  if (p) await (await p).close();
}

export async function count(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  const r = await db.query<{ n: number }>(sql, params);
  return Number(r.rows[0]?.n ?? 0);
}
