import { mkdirSync, openSync, closeSync, writeSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { unavailable } from '@custodia/core';
import type { Db, Queryable, QueryResult } from './db.js';
import { isProcessAlive } from '../process-alive.js';

const parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.NUMERIC]: (v: string) => Number(v),
};

function normalise<T>(rows: unknown[]): T[] {
  // PGlite returns bytea as Uint8Array; the rest of the code expects Buffers.
  for (const row of rows as Record<string, unknown>[]) {
    for (const k of Object.keys(row)) {
      const v = row[k];
      if (v instanceof Uint8Array && !Buffer.isBuffer(v)) row[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    }
  }
  return rows as T[];
}

class PgliteQueryable implements Queryable {
  constructor(protected readonly pg: Pick<PGlite, 'query' | 'exec'>) {}
  async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
    const r = await this.pg.query(sql, params, { parsers: parsers as never });
    return { rows: normalise<T>(r.rows), rowCount: r.affectedRows ?? r.rows.length };
  }
  async exec(sql: string): Promise<void> {
    await this.pg.exec(sql);
  }
}

export class PgliteDb extends PgliteQueryable implements Db {
  readonly kind = 'pglite' as const;
  private constructor(
    private readonly db: PGlite,
    private readonly lockPath: string | null,
  ) {
    super(db);
  }

  /**
   * Opens (creating if needed) an embedded database in `dir`, or in memory when `dir` is null.
   * Only one process may open a data directory: a lock file says who holds it.
   */
  static async open(dir: string | null): Promise<PgliteDb> {
    let lockPath: string | null = null;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      lockPath = join(dir, '..', `${dir.split('/').pop() ?? 'db'}.lock`);
      acquireLock(lockPath);
    }
    try {
      const db = dir ? await PGlite.create(dir) : await PGlite.create();
      return new PgliteDb(db, lockPath);
    } catch (e) {
      if (lockPath) releaseLock(lockPath);
      throw e;
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new PgliteQueryable(tx)));
  }

  async close(): Promise<void> {
    await this.db.close();
    if (this.lockPath) releaseLock(this.lockPath);
  }
}

function acquireLock(path: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isProcessAlive(pid)) {
        throw unavailable(
          `the embedded database is in use by process ${pid} (a running "custodia serve" or another command); ` +
            'stop it, or point DATABASE_URL at a PostgreSQL server to share the vault between processes',
          { pid, lock: path },
        );
      }
      // Stale lock from a process that died (kill -9, power loss): take it over.
      unlinkSync(path);
    }
  }
  throw unavailable(`could not take the database lock ${path}`);
}

function releaseLock(path: string): void {
  try {
    if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
  } catch {
    // already gone
  }
}
