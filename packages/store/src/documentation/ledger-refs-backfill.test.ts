import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadMigrations, migrate } from '../db/migrate.js';
import type { Db } from '../db/db.js';
import { PgliteDb } from '../db/pglite.db.js';
import { PostgresDb } from '../db/postgres.db.js';
import { createTestDatabase, DB_KINDS } from '../testing/test-databases.js';
import { PgLedger } from '../repo/pg-ledger.repo.js';

for (const kind of DB_KINDS) describe(`migration 016 on an existing vault (${kind})`, () => {
  it('indexes the ledger entries written before it by case and by subject', async () => {
    const pg = kind === 'postgres' ? await createTestDatabase() : null;
    const db: Db = pg ? await PostgresDb.open(pg.url) : await PgliteDb.open(null);
    try {
      const all = loadMigrations();
      await migrate(db, all.filter((m) => m.version < 16));
      const ledger = new PgLedger();
      await db.transaction((tx) => ledger.append(tx, { actor: 'op', action: 'case-created', details: { case: 7, name: 'x' } }));
      await db.transaction((tx) => ledger.append(tx, { actor: 'worker', action: 'probed', subjects: ['a'.repeat(64), 'b'.repeat(64)] }));
      await db.transaction((tx) => ledger.append(tx, { actor: 'op', action: 'instance-initialised' }));
      await migrate(db, all);
      const r = await db.query<{ seq: number; case_id: number | null; sha256: string | null; actor: string; action: string }>(
        'SELECT seq, case_id, sha256, actor, action FROM ledger_refs ORDER BY seq, sha256',
      );
      assert.deepEqual(r.rows, [
        { seq: 0, case_id: 7, sha256: null, actor: 'op', action: 'case-created' },
        { seq: 1, case_id: null, sha256: 'a'.repeat(64), actor: 'worker', action: 'probed' },
        { seq: 1, case_id: null, sha256: 'b'.repeat(64), actor: 'worker', action: 'probed' },
      ]);
    } finally {
      await db.close();
      await pg?.drop();
    }
  });
});
