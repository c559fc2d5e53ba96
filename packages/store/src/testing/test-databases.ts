import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../config.js';

/**
 * The PostgreSQL server the test suite uses (CI: the one on 127.0.0.1:5432). Each test gets a
 * database of its own, created here and dropped afterwards.
 */
export const TEST_PG_ADMIN_URL = process.env.CUSTODIA_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export type DbKind = 'pglite' | 'postgres';
export const DB_KINDS: DbKind[] = ['pglite', 'postgres'];

export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `custodia_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export async function tempDir(prefix = 'custodia-test-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A configuration for a throw-away instance on the given database kind. */
export async function testConfig(kind: DbKind, extra: Partial<Config> = {}): Promise<{ config: Config; cleanup: () => Promise<void> }> {
  const home = await tempDir('custodia-home-');
  const db = kind === 'postgres' ? await createTestDatabase() : null;
  return {
    config: {
      home: home.path,
      databaseUrl: db?.url,
      tsaUrls: [],
      tsaCaFile: undefined,
      origin: undefined,
      operator: 'test-operator',
      ...extra,
    },
    cleanup: async () => {
      await db?.drop();
      await home.remove();
    },
  };
}
