import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.js';

pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

class ClientQueryable implements Queryable {
  constructor(private readonly c: pg.PoolClient | pg.Pool) {}
  async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
    const r = await this.c.query(sql, params as unknown[]);
    return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
  }
  async exec(sql: string): Promise<void> {
    await this.c.query(sql);
  }
}

/** A PostgreSQL server, shared safely by several processes. */
export class PostgresDb extends ClientQueryable implements Db {
  readonly kind = 'postgres' as const;
  private constructor(private readonly pool: pg.Pool) {
    super(pool);
  }

  static async open(url: string, opts: { max?: number } = {}): Promise<PostgresDb> {
    const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 4 });
    // A failing pool client must not crash the process; the next query reports the error.
    pool.on('error', () => {});
    const c = await pool.connect();
    c.release();
    return new PostgresDb(pool);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(new ClientQueryable(client));
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
