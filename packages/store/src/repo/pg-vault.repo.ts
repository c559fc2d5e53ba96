import {
  conflict,
  notFound,
  type Acquisition,
  type AcquisitionSummary,
  type Case,
  type Item,
  type NewAcquisition,
  type NewItem,
  type VaultRepo,
  type AcquisitionStatus,
} from '@custodia/core';
import type { Db, Queryable } from '../db/db.js';
import type { PgLedger } from './pg-ledger.repo.js';

/** Cases, acquisitions and items in PostgreSQL; each write is one transaction with its ledger entry. */
export class PgVaultRepo implements VaultRepo {
  /**
   * Runs in the transaction that records an item (the composition root uses it to enqueue the media
   * pipeline): an item is never recorded without its follow-up work, nor the other way round.
   */
  onItemRecorded: ((tx: Queryable, item: Item) => Promise<void>) | null = null;

  constructor(
    private readonly db: Db,
    private readonly ledger: PgLedger,
  ) {}

  async ensureCase(name: string, actor: string): Promise<Case> {
    const trimmed = name.trim();
    if (!trimmed) throw conflict('a case needs a name');
    const found = await this.findCase(trimmed);
    if (found) return found;
    return this.db.transaction(async (tx) => {
      const created = await this.createCaseIn(tx, trimmed, actor);
      if (created) return created;
      const again = await tx.query<CaseRow>('SELECT id, name, created_at FROM cases WHERE name = $1', [trimmed]);
      return toCase(again.rows[0]!);
    });
  }

  /**
   * Creates a case and its `case-created` ledger entry in the caller's transaction (the server adds
   * the creator's membership in the same one); null when the name is taken.
   */
  async createCaseIn(tx: Queryable, name: string, actor: string): Promise<Case | null> {
    const trimmed = name.trim();
    if (!trimmed) throw conflict('a case needs a name');
    const r = await tx.query<CaseRow>('INSERT INTO cases (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id, name, created_at', [trimmed]);
    const row = r.rows[0];
    if (!row) return null;
    await this.ledger.append(tx, { actor, action: 'case-created', details: { case: row.id, name: trimmed } });
    return toCase(row);
  }

  async findCase(name: string): Promise<Case | null> {
    const r = await this.db.query<CaseRow>('SELECT id, name, created_at FROM cases WHERE name = $1', [name.trim()]);
    return r.rows[0] ? toCase(r.rows[0]) : null;
  }

  async listCases(): Promise<Case[]> {
    const r = await this.db.query<CaseRow>('SELECT id, name, created_at FROM cases ORDER BY name');
    return r.rows.map(toCase);
  }

  async findAcquisitionByKey(caseId: number, resumeKey: string): Promise<Acquisition[]> {
    const r = await this.db.query<AcqRow>(
      `SELECT * FROM acquisitions WHERE case_id = $1 AND resume_key = $2 ORDER BY id`,
      [caseId, resumeKey],
    );
    return r.rows.map(toAcquisition);
  }

  async acquisition(id: number): Promise<Acquisition> {
    const r = await this.db.query<AcqRow>('SELECT * FROM acquisitions WHERE id = $1', [id]);
    if (!r.rows[0]) throw notFound(`no acquisition ${id}`);
    return toAcquisition(r.rows[0]);
  }

  async acquisitionsOf(caseId: number): Promise<Acquisition[]> {
    const r = await this.db.query<AcqRow>('SELECT * FROM acquisitions WHERE case_id = $1 ORDER BY id', [caseId]);
    return r.rows.map(toAcquisition);
  }

  async startAcquisition(input: NewAcquisition, actor: string): Promise<Acquisition> {
    return this.db.transaction(async (tx) => {
      const startedAt = new Date();
      const id = await nextId(tx, 'acquisitions_id_seq');
      const { seq } = await this.ledger.append(tx, {
        actor,
        action: 'acquisition-started',
        details: {
          acquisition: id,
          case: input.caseId,
          kind: input.kind,
          operator: input.operator,
          host: input.host,
          tool: `custodia ${input.toolVersion}`,
          roots: input.roots,
          sourceLabel: input.sourceLabel,
          note: input.note,
          options: input.options,
        },
      });
      const r = await tx.query<AcqRow>(
        `INSERT INTO acquisitions (id, case_id, kind, resume_key, operator, host, tool_version, source_label, note,
           roots, options, started_at, status, ledger_seq)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12, 'running', $13) RETURNING *`,
        [
          id,
          input.caseId,
          input.kind,
          input.resumeKey,
          input.operator,
          input.host,
          input.toolVersion,
          input.sourceLabel,
          input.note,
          JSON.stringify(input.roots),
          JSON.stringify(input.options),
          startedAt,
          seq,
        ],
      );
      return toAcquisition(r.rows[0]!);
    });
  }

  async itemsOf(acquisitionId: number): Promise<Item[]> {
    const r = await this.db.query<ItemRow>('SELECT * FROM items WHERE acquisition_id = $1 ORDER BY id', [acquisitionId]);
    return r.rows.map(toItem);
  }

  async itemsOfCase(caseId: number): Promise<Item[]> {
    const r = await this.db.query<ItemRow>('SELECT * FROM items WHERE case_id = $1 ORDER BY id', [caseId]);
    return r.rows.map(toItem);
  }

  async item(id: number): Promise<Item | null> {
    const r = await this.db.query<ItemRow>('SELECT * FROM items WHERE id = $1', [id]);
    return r.rows[0] ? toItem(r.rows[0]) : null;
  }

  async itemsWithBlob(sha256: string): Promise<Item[]> {
    const r = await this.db.query<ItemRow>('SELECT * FROM items WHERE sha256 = $1 ORDER BY id', [sha256]);
    return r.rows.map(toItem);
  }

  async blob(sha256: string): Promise<{ sha256: string; size: number; storedAt: Date } | null> {
    const r = await this.db.query<{ sha256: string; size: number; stored_at: Date }>(
      'SELECT sha256, size, stored_at FROM blobs WHERE sha256 = $1',
      [sha256],
    );
    const row = r.rows[0];
    return row ? { sha256: row.sha256, size: row.size, storedAt: row.stored_at } : null;
  }

  async *allBlobs(batch = 10_000): AsyncIterable<{ sha256: string; size: number }[]> {
    let after = '';
    for (;;) {
      const r = await this.db.query<{ sha256: string; size: number }>(
        'SELECT sha256, size FROM blobs WHERE sha256 > $1 ORDER BY sha256 LIMIT $2',
        [after, batch],
      );
      if (r.rows.length === 0) return;
      yield r.rows;
      after = r.rows[r.rows.length - 1]!.sha256;
    }
  }

  async recordItem(input: NewItem, _blobCreated: boolean, actor: string, opts: { protect?: boolean } = {}): Promise<Item> {
    return this.db.transaction(async (tx) => {
      if (input.sha256 !== null) {
        await tx.query('INSERT INTO blobs (sha256, size) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING', [
          input.sha256,
          input.size,
        ]);
      }
      const id = await nextId(tx, 'items_id_seq');
      const { seq } = await this.ledger.append(tx, {
        actor,
        action: input.sha256 ? 'ingested' : 'ingest-problem',
        subjects: input.sha256 ? [input.sha256] : [],
        details: itemLedgerDetails(id, input),
      });
      const r = await tx.query<ItemRow>(
        `INSERT INTO items (id, case_id, acquisition_id, parent_id, member_index, raw_path, display_path, rel_path,
           path_encoding, size, mtime, sha256, kind, format, status, reason, ledger_seq)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) RETURNING *`,
        [
          id,
          input.caseId,
          input.acquisitionId,
          input.parentId,
          input.memberIndex,
          input.rawPath,
          input.displayPath,
          input.relPath,
          input.pathEncoding,
          input.size,
          input.mtime,
          input.sha256,
          input.kind,
          input.format,
          input.status,
          input.reason,
          seq,
        ],
      );
      const item = toItem(r.rows[0]!);
      // Protected from its first committed moment (migration 031; its index row follows, migration 040).
      if (opts.protect) await tx.query('INSERT INTO protected_items (item_id, case_id) VALUES ($1, $2)', [item.id, item.caseId]);
      if (this.onItemRecorded) await this.onItemRecorded(tx, item);
      return item;
    });
  }

  async finishAcquisition(
    id: number,
    result: { status: AcquisitionStatus; manifestSha256: string; manifestSize: number; summary: AcquisitionSummary },
    actor: string,
  ): Promise<Acquisition> {
    return this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO blobs (sha256, size) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING', [
        result.manifestSha256,
        result.manifestSize,
      ]);
      await this.ledger.append(tx, {
        actor,
        action: 'acquisition-completed',
        subjects: [result.manifestSha256],
        details: { acquisition: id, status: result.status, manifestSize: result.manifestSize, summary: result.summary },
      });
      const r = await tx.query<AcqRow>(
        `UPDATE acquisitions SET status = $2, finished_at = now(), manifest_sha256 = $3, summary = $4::jsonb
         WHERE id = $1 RETURNING *`,
        [id, result.status, result.manifestSha256, JSON.stringify(result.summary)],
      );
      if (!r.rows[0]) throw notFound(`no acquisition ${id}`);
      return toAcquisition(r.rows[0]);
    });
  }
}

/**
 * What the ledger says about an item. `ledger verify` compares the items table against exactly
 * these fields, so a changed hash, size, path or status in the database is caught.
 */
export function itemLedgerDetails(id: number, it: NewItem | Item): Record<string, unknown> {
  return {
    item: id,
    case: it.caseId,
    acquisition: it.acquisitionId,
    parent: it.parentId,
    memberIndex: it.memberIndex,
    path: it.displayPath,
    rawPathHex: it.rawPath.toString('hex'),
    size: it.size,
    mtime: it.mtime,
    kind: it.kind,
    format: it.format,
    status: it.status,
    reason: it.reason,
  };
}

async function nextId(tx: Queryable, sequence: string): Promise<number> {
  const r = await tx.query<{ id: number }>(`SELECT nextval('${sequence}') AS id`);
  return r.rows[0]!.id;
}

interface CaseRow {
  id: number;
  name: string;
  created_at: Date;
}
const toCase = (r: CaseRow): Case => ({ id: r.id, name: r.name, createdAt: r.created_at });

interface AcqRow {
  id: number;
  case_id: number;
  kind: Acquisition['kind'];
  resume_key: string;
  operator: string;
  host: string;
  tool_version: string;
  source_label: string | null;
  note: string | null;
  roots: string[];
  options: Record<string, unknown>;
  started_at: Date;
  finished_at: Date | null;
  status: Acquisition['status'];
  manifest_sha256: string | null;
  summary: AcquisitionSummary | null;
  ledger_seq: number;
}
const toAcquisition = (r: AcqRow): Acquisition => ({
  id: r.id,
  caseId: r.case_id,
  kind: r.kind,
  resumeKey: r.resume_key,
  operator: r.operator,
  host: r.host,
  toolVersion: r.tool_version,
  sourceLabel: r.source_label,
  note: r.note,
  roots: r.roots,
  options: r.options,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  status: r.status,
  manifestSha256: r.manifest_sha256,
});

export interface ItemRow {
  id: number;
  case_id: number;
  acquisition_id: number;
  parent_id: number | null;
  member_index: number | null;
  raw_path: Buffer;
  display_path: string;
  rel_path: string;
  path_encoding: string;
  size: number | null;
  mtime: string | null;
  sha256: string | null;
  kind: Item['kind'];
  format: string;
  status: Item['status'];
  reason: string | null;
  ledger_seq: number;
}
export const toItem = (r: ItemRow): Item => ({
  id: r.id,
  caseId: r.case_id,
  acquisitionId: r.acquisition_id,
  parentId: r.parent_id,
  memberIndex: r.member_index,
  rawPath: r.raw_path,
  displayPath: r.display_path,
  relPath: r.rel_path,
  pathEncoding: r.path_encoding,
  size: r.size,
  mtime: r.mtime,
  sha256: r.sha256,
  kind: r.kind,
  format: r.format,
  status: r.status,
  reason: r.reason,
  ledgerSeq: r.ledger_seq,
});
