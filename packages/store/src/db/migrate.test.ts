import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PgliteDb } from './pglite.db.js';
import { PostgresDb } from './postgres.db.js';
import { loadMigrations, migrate } from './migrate.js';
import { createTestDatabase } from '../testing/test-databases.js';
import type { Db } from './db.js';

async function check(db: Db): Promise<void> {
  const all = loadMigrations().map((m) => m.version);
  assert.deepEqual(await migrate(db), all);
  assert.deepEqual(await migrate(db), [], 'a second run applies nothing');
  const r = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  assert.deepEqual(r.rows.map((x) => x.version), all);
  await assert.rejects(db.query('INSERT INTO ledger_head (id, size, frontier) VALUES (2, 0, $1)', ['[]']), /check/i, 'one head row only');
}

describe('migrations', () => {
  it('apply once on PGlite, in order, and are idempotent', async () => {
    const db = await PgliteDb.open(null);
    try {
      await check(db);
    } finally {
      await db.close();
    }
  });

  it('apply once on a PostgreSQL server, also when two processes start at once', async () => {
    const t = await createTestDatabase();
    const a = await PostgresDb.open(t.url);
    const b = await PostgresDb.open(t.url);
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      assert.deepEqual([...ra, ...rb].sort((x, y) => x - y), loadMigrations().map((m) => m.version));
      assert.deepEqual(await migrate(a), []);
    } finally {
      await a.close();
      await b.close();
      await t.drop();
    }
  });

  it('the embedded database refuses a second process and names the holder', async () => {
    const { tempDir } = await import('../testing/test-databases.js');
    const dir = await tempDir();
    const first = await PgliteDb.open(`${dir.path}/db`);
    try {
      const { spawnSync } = await import('node:child_process');
      const url = new URL('./pglite.db.js', import.meta.url).href;
      const r = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', `import { PgliteDb } from '${url}'; await PgliteDb.open(process.argv[1]);`, `${dir.path}/db`],
        { encoding: 'utf8' },
      );
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, new RegExp(`in use by process ${process.pid}`));
    } finally {
      await first.close();
      await dir.remove();
    }
  });
});
