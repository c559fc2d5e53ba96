import {
  CompactRange,
  encodeEntry,
  formatCheckpoint,
  leafHash,
  signNote,
  type LedgerEntry,
} from '@custodia/ledger';
import { systemClock, type Clock } from '@custodia/core';
import type { Queryable } from '../db/db.js';

export interface LedgerAppend {
  actor: string;
  action: string;
  subjects?: string[];
  details?: Record<string, unknown>;
}

export interface StoredEntry {
  seq: number;
  entry: Buffer;
  leafHash: Buffer;
}

export interface StoredCheckpoint {
  id: number;
  treeSize: number;
  rootHash: Buffer;
  note: string;
  createdAt: Date;
}

export interface CheckpointSigner {
  origin: string;
  keyName: string;
  privateKeyPem: string;
}

/**
 * The custody ledger in PostgreSQL. Appends happen inside the caller's transaction, after
 * `SELECT … FOR UPDATE` on the single head row: the database serialises appends from every
 * process, and an entry exists if and only if the evidence record it describes was committed.
 */
export class PgLedger {
  constructor(private readonly clock: Clock = systemClock) {}

  async append(tx: Queryable, input: LedgerAppend): Promise<{ seq: number; entry: LedgerEntry }> {
    const head = await tx.query<{ size: number; frontier: string[] }>(
      'SELECT size, frontier FROM ledger_head WHERE id = 1 FOR UPDATE',
    );
    const row = head.rows[0];
    if (!row) throw new Error('ledger head row missing: database not migrated');
    const seq = row.size;
    const entry: LedgerEntry = {
      v: 1,
      seq,
      time: this.clock.now().toISOString(),
      actor: input.actor,
      action: input.action,
      subjects: input.subjects ?? [],
      details: input.details ?? {},
    };
    const bytes = encodeEntry(entry);
    const leaf = leafHash(bytes);
    const range = CompactRange.fromJSON({ size: seq, hashes: row.frontier });
    range.append(leaf);
    await tx.query('INSERT INTO ledger_entries (seq, entry, leaf_hash, action) VALUES ($1, $2, $3, $4)', [
      seq,
      bytes.toString('utf8'),
      leaf,
      entry.action,
    ]);
    await tx.query('UPDATE ledger_head SET size = $1, frontier = $2::jsonb WHERE id = 1', [
      seq + 1,
      JSON.stringify(range.toJSON().hashes),
    ]);
    return { seq, entry };
  }

  /** Signs the current tree head as a C2SP checkpoint and stores it (no-op if the head is already signed). */
  async checkpoint(db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> }, signer: CheckpointSigner): Promise<StoredCheckpoint> {
    return db.transaction(async (tx) => {
      const head = await tx.query<{ size: number; frontier: string[] }>(
        'SELECT size, frontier FROM ledger_head WHERE id = 1 FOR UPDATE',
      );
      const row = head.rows[0];
      if (!row) throw new Error('ledger head row missing: database not migrated');
      const last = await this.latestCheckpoint(tx);
      if (last && last.treeSize === row.size) return last;
      const root = CompactRange.fromJSON({ size: row.size, hashes: row.frontier }).root();
      const text = formatCheckpoint({ origin: signer.origin, size: row.size, rootHash: root });
      const note = signNote(text, { name: signer.keyName, privateKeyPem: signer.privateKeyPem });
      const r = await tx.query<{ id: number; created_at: Date }>(
        'INSERT INTO checkpoints (tree_size, root_hash, note) VALUES ($1, $2, $3) RETURNING id, created_at',
        [row.size, root, note],
      );
      const ins = r.rows[0]!;
      return { id: ins.id, treeSize: row.size, rootHash: root, note, createdAt: ins.created_at };
    });
  }

  async size(q: Queryable): Promise<number> {
    const r = await q.query<{ size: number }>('SELECT size FROM ledger_head WHERE id = 1');
    return r.rows[0]?.size ?? 0;
  }

  async latestCheckpoint(q: Queryable): Promise<StoredCheckpoint | null> {
    const r = await q.query<CheckpointRow>(
      'SELECT id, tree_size, root_hash, note, created_at FROM checkpoints ORDER BY tree_size DESC, id DESC LIMIT 1',
    );
    return r.rows[0] ? toCheckpoint(r.rows[0]) : null;
  }

  async checkpoints(q: Queryable): Promise<StoredCheckpoint[]> {
    const r = await q.query<CheckpointRow>(
      'SELECT id, tree_size, root_hash, note, created_at FROM checkpoints ORDER BY tree_size, id',
    );
    return r.rows.map(toCheckpoint);
  }

  async entry(q: Queryable, seq: number): Promise<StoredEntry | null> {
    return (await this.slice(q, seq, 1)).find((e) => e.seq === seq) ?? null;
  }

  /** Up to `limit` entries from `from` on, in order. */
  async slice(q: Queryable, from: number, limit: number): Promise<StoredEntry[]> {
    const r = await q.query<{ seq: number; entry: string; leaf_hash: Buffer }>(
      'SELECT seq, entry, leaf_hash FROM ledger_entries WHERE seq >= $1 ORDER BY seq LIMIT $2',
      [from, limit],
    );
    return r.rows.map((row) => ({ seq: row.seq, entry: Buffer.from(row.entry, 'utf8'), leafHash: row.leaf_hash }));
  }

  /**
   * Every entry's exact text in order, in batches; the next batch is fetched while the caller
   * works on the current one (verification hashes while the database reads).
   */
  async *entryTexts(q: Queryable, batch = 50_000): AsyncIterable<{ seq: number; text: string }[]> {
    const fetch = (from: number) =>
      q.query<{ seq: number; entry: string }>('SELECT seq, entry FROM ledger_entries WHERE seq >= $1 ORDER BY seq LIMIT $2', [from, batch]);
    let next = fetch(0);
    for (;;) {
      const r = await next;
      if (r.rows.length === 0) return;
      const last = r.rows[r.rows.length - 1]!.seq;
      if (r.rows.length === batch) next = fetch(last + 1);
      yield r.rows.map((row) => ({ seq: row.seq, text: row.entry }));
      if (r.rows.length < batch) return;
    }
  }

  /** Stored leaf hashes of entries in [from, to). */
  async leafHashRange(q: Queryable, from: number, to: number): Promise<{ seq: number; leafHash: Buffer }[]> {
    const r = await q.query<{ seq: number; leaf_hash: Buffer }>(
      'SELECT seq, leaf_hash FROM ledger_entries WHERE seq >= $1 AND seq < $2 ORDER BY seq',
      [from, to],
    );
    return r.rows.map((row) => ({ seq: row.seq, leafHash: row.leaf_hash }));
  }

  /** The root of the whole tree as kept by the head row (updated with every append). */
  async headRoot(q: Queryable): Promise<Buffer> {
    const r = await q.query<{ size: number; frontier: string[] }>('SELECT size, frontier FROM ledger_head WHERE id = 1');
    const row = r.rows[0]!;
    return CompactRange.fromJSON({ size: row.size, hashes: row.frontier }).root();
  }

  /** All stored leaf hashes in order (32 bytes each), for building proofs. */
  async leafHashes(q: Queryable, batch = 100_000): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (;;) {
      const r = await q.query<{ leaf_hash: Buffer }>(
        'SELECT leaf_hash FROM ledger_entries WHERE seq >= $1 ORDER BY seq LIMIT $2',
        [out.length, batch],
      );
      for (const row of r.rows) out.push(row.leaf_hash);
      if (r.rows.length < batch) return out;
    }
  }
}

interface CheckpointRow {
  id: number;
  tree_size: number;
  root_hash: Buffer;
  note: string;
  created_at: Date;
}

function toCheckpoint(r: CheckpointRow): StoredCheckpoint {
  return { id: r.id, treeSize: r.tree_size, rootHash: r.root_hash, note: r.note, createdAt: r.created_at };
}
