import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { invalid } from '@custodia/core';
import type { Db } from './db.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Forward-only SQL migrations, `NNN-name.sql`, shared by PGlite and PostgreSQL. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.slice(4, -4), sql: readFileSync(dir + f, 'utf8') }));
}

/** Applies pending migrations, each in its own transaction; safe when several processes start at once. */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<number[]> {
  // Ledger entries are stored as text and must come back byte for byte: only UTF-8 guarantees that.
  const enc = await db.query<{ server_encoding: string }>('SHOW server_encoding');
  if (enc.rows[0]?.server_encoding !== 'UTF8') {
    throw invalid(`the database must use UTF8 encoding (it uses ${enc.rows[0]?.server_encoding ?? 'unknown'}): create it with ENCODING 'UTF8'`);
  }
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7312001)');
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
  });
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(7312001)');
      const r = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (r.rows.length > 0) return false;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
