import {
  conflict,
  notFound,
  type AccountabilityRepo,
  type Claim,
  type ClaimContent,
  type ClaimVersion,
  type EventContent,
  type EventStatus,
  type LedgerNote,
  type Position,
  type Proceeding,
  type ProceedingContent,
  type ProceedingEvent,
  type ProceedingFilter,
  type ProceedingLink,
  type Source,
  type SourceContent,
} from '@custodia/core';
import type { Db, Queryable } from '../db/db.js';
import type { PgLedger } from '../repo/pg-ledger.repo.js';

const ids = (xs: unknown[]): number[] => xs.map(Number);

// The latest event of a proceeding's timeline: dated events in date order, unknown dates last.
const LATEST = `LEFT JOIN LATERAL (SELECT e.status, e.occurred_on FROM accountability_events e WHERE e.proceeding_id = p.id
    ORDER BY e.occurred_on DESC NULLS FIRST, e.id DESC LIMIT 1) le ON true`;
const SELECT_PROCEEDING = `SELECT p.*, le.status AS latest_status, le.occurred_on AS latest_on FROM accountability_proceedings p ${LATEST}`;

interface ProceedingRow {
  id: number;
  case_id: number;
  type: Proceeding['type'];
  title: string;
  subject_ids: unknown[];
  unnamed_subjects: number;
  authority: string | null;
  legal_article: string | null;
  facility_id: number | null;
  source_exposure: boolean;
  created_by: number;
  version: number;
  created_at: Date;
  updated_at: Date;
  latest_status: EventStatus | null;
  latest_on: string | null;
}
const toProceeding = (r: ProceedingRow): Proceeding => ({
  id: Number(r.id),
  caseId: Number(r.case_id),
  type: r.type,
  title: r.title,
  subjectIds: ids(r.subject_ids),
  unnamedSubjects: r.unnamed_subjects,
  authority: r.authority,
  legalArticle: r.legal_article,
  facilityId: r.facility_id === null ? null : Number(r.facility_id),
  sourceExposure: r.source_exposure,
  createdBy: Number(r.created_by),
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  latestStatus: r.latest_status,
  latestOn: r.latest_on,
});

interface EventRow { id: number; proceeding_id: number; occurred_on: string | null; status: EventStatus; summary: string; created_by: number; version: number }
const toEvent = (r: EventRow): ProceedingEvent => ({
  id: Number(r.id), proceedingId: Number(r.proceeding_id), on: r.occurred_on, status: r.status, summary: r.summary, createdBy: Number(r.created_by), version: r.version,
});

interface SourceRow {
  id: number; case_id: number; kind: Source['kind']; title: string; publisher: string | null; url: string | null; published_on: string | null;
  retrieved_at: Date | null; item_id: number | null; sha256: string | null; copy_protected: boolean; created_by: number; version: number;
}
const SELECT_SOURCE = `SELECT s.*, it.sha256, EXISTS (SELECT 1 FROM protected_items pi WHERE pi.item_id = s.item_id) AS copy_protected
  FROM accountability_sources s LEFT JOIN items it ON it.id = s.item_id`;
const toSource = (r: SourceRow): Source => ({
  id: Number(r.id), caseId: Number(r.case_id), kind: r.kind, title: r.title, publisher: r.publisher, url: r.url, publishedOn: r.published_on,
  retrievedAt: r.retrieved_at ? new Date(r.retrieved_at).toISOString() : null, itemId: r.item_id === null ? null : Number(r.item_id), sha256: r.sha256, copyProtected: r.copy_protected,
  createdBy: Number(r.created_by), version: r.version,
});

interface ClaimRow { id: number; case_id: number; source_id: number; quote: string; confidence: Claim['confidence']; event_id: number | null; person_id: number | null; position: Position | null; created_by: number; created_at: Date; version: number; withdrawn_at: Date | null }
const toClaim = (r: ClaimRow): Claim => ({
  id: Number(r.id), caseId: Number(r.case_id), sourceId: Number(r.source_id), quote: r.quote, confidence: r.confidence,
  eventId: r.event_id === null ? null : Number(r.event_id), personId: r.person_id === null ? null : Number(r.person_id), position: r.position,
  createdBy: Number(r.created_by), createdAt: r.created_at, version: r.version, withdrawnAt: r.withdrawn_at,
});

/** Proceedings, their events, sources, claims and links; each change one transaction with its ledger entry. */
export class PgAccountabilityRepo implements AccountabilityRepo {
  constructor(
    protected readonly db: Db,
    protected readonly ledger: PgLedger,
  ) {}

  async proceedings(caseId: number, f: ProceedingFilter): Promise<Proceeding[]> {
    const like = f.q ? `%${f.q.replace(/[\\%_]/g, (c) => '\\' + c)}%` : null;
    const r = await this.db.query<ProceedingRow>(
      `${SELECT_PROCEEDING} WHERE p.case_id = $1 AND ($2 OR NOT p.source_exposure)
         AND ($3::text IS NULL OR p.type = $3) AND ($4::text IS NULL OR le.status = $4)
         AND ($5::bigint IS NULL OR $5::bigint = ANY(p.subject_ids))
         AND ($6::bigint[] IS NULL OR p.facility_id = ANY($6::bigint[]))
         AND ($7::text IS NULL OR p.title ILIKE $7 OR p.authority ILIKE $7 OR p.legal_article ILIKE $7
           OR EXISTS (SELECT 1 FROM accountability_events e WHERE e.proceeding_id = p.id AND e.summary ILIKE $7))
       ORDER BY p.id`,
      [caseId, f.withSourceExposure, f.type ?? null, f.status ?? null, f.personId ?? null, f.facilityIds ?? null, like],
    );
    return r.rows.map(toProceeding);
  }

  async proceeding(id: number): Promise<Proceeding | null> {
    return oneProceeding(this.db, id);
  }

  async events(proceedingIds: readonly number[]): Promise<ProceedingEvent[]> {
    if (proceedingIds.length === 0) return [];
    const r = await this.db.query<EventRow>('SELECT * FROM accountability_events WHERE proceeding_id = ANY($1::bigint[]) ORDER BY id', [proceedingIds]);
    return r.rows.map(toEvent);
  }

  async event(id: number): Promise<ProceedingEvent | null> {
    const r = await this.db.query<EventRow>('SELECT * FROM accountability_events WHERE id = $1', [id]);
    return r.rows[0] ? toEvent(r.rows[0]) : null;
  }

  async claims(ref: { caseId?: number; eventIds?: readonly number[]; personIds?: readonly number[] }): Promise<Claim[]> {
    if (ref.caseId === undefined && !ref.eventIds?.length && !ref.personIds?.length) return [];
    const r = await this.db.query<ClaimRow>(
      `SELECT * FROM accountability_claims WHERE withdrawn_at IS NULL
         AND (($1::bigint IS NOT NULL AND case_id = $1) OR event_id = ANY($2::bigint[]) OR person_id = ANY($3::bigint[])) ORDER BY id`,
      [ref.caseId ?? null, ref.eventIds ?? [], ref.personIds ?? []],
    );
    return r.rows.map(toClaim);
  }

  async label(caseId: number): Promise<string | null> {
    const r = await this.db.query<{ label: string | null }>('SELECT label FROM accountability_imports WHERE case_id = $1 AND label IS NOT NULL ORDER BY id DESC LIMIT 1', [caseId]);
    return r.rows[0]?.label ?? null;
  }

  async sources(caseId: number): Promise<Source[]> {
    return (await this.db.query<SourceRow>(`${SELECT_SOURCE} WHERE s.case_id = $1 ORDER BY s.id`, [caseId])).rows.map(toSource);
  }

  async source(id: number): Promise<Source | null> {
    const r = await this.db.query<SourceRow>(`${SELECT_SOURCE} WHERE s.id = $1`, [id]);
    return r.rows[0] ? toSource(r.rows[0]) : null;
  }

  async links(proceedingIds: readonly number[]): Promise<ProceedingLink[]> {
    if (proceedingIds.length === 0) return [];
    const r = await this.db.query<{ id: number; proceeding_id: number; incident_id: number | null; title: string | null; item_id: number | null; start_sec: number | null; end_sec: number | null; item_protected: boolean }>(
      `SELECT l.id, l.proceeding_id, l.incident_id, i.title, l.item_id, l.start_sec, l.end_sec,
         EXISTS (SELECT 1 FROM protected_items pi WHERE pi.item_id = l.item_id) AS item_protected FROM accountability_links l
       LEFT JOIN incidents i ON i.id = l.incident_id WHERE l.proceeding_id = ANY($1::bigint[]) AND l.removed_at IS NULL ORDER BY l.id`,
      [proceedingIds],
    );
    return r.rows.map((l) => ({
      id: Number(l.id), proceedingId: Number(l.proceeding_id), incidentId: l.incident_id === null ? null : Number(l.incident_id), incidentTitle: l.title,
      itemId: l.item_id === null ? null : Number(l.item_id), startSec: l.start_sec, endSec: l.end_sec, itemProtected: l.item_protected,
    }));
  }

  async caseItem(caseId: number, itemId: number): Promise<{ id: number; sha256: string | null; protected: boolean } | null> {
    const r = await this.db.query<{ id: number; sha256: string | null; protected: boolean }>(
      'SELECT id, sha256, EXISTS (SELECT 1 FROM protected_items pi WHERE pi.item_id = items.id) AS protected FROM items WHERE id = $1 AND case_id = $2',
      [itemId, caseId],
    );
    return r.rows[0] ? { id: Number(r.rows[0].id), sha256: r.rows[0].sha256, protected: r.rows[0].protected } : null;
  }

  async createProceeding(caseId: number, c: ProceedingContent, userId: number, actor: string, note: (id: number) => LedgerNote): Promise<Proceeding> {
    return this.db.transaction(async (tx) => {
      const id = await insertProceeding(tx, caseId, c, userId, null);
      await this.ledger.append(tx, { actor, ...note(id) });
      return (await oneProceeding(tx, id))!;
    });
  }

  async updateProceeding(id: number, expectedVersion: number, c: ProceedingContent, actor: string, note: LedgerNote): Promise<Proceeding> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query(
        `UPDATE accountability_proceedings SET type = $3, title = $4, subject_ids = $5::bigint[], unnamed_subjects = $6, authority = $7, legal_article = $8,
           facility_id = $9, source_exposure = $10, version = version + 1, updated_at = now() WHERE id = $1 AND version = $2 RETURNING id`,
        [id, expectedVersion, c.type, c.title, c.subjectIds, c.unnamedSubjects, c.authority, c.legalArticle, c.facilityId, c.sourceExposure],
      );
      if (r.rows.length === 0) throw (await oneProceeding(tx, id)) ? conflict(`proceeding ${id} was changed meanwhile: reload and try again`) : notFound(`no proceeding ${id}`);
      await this.ledger.append(tx, { actor, ...note });
      return (await oneProceeding(tx, id))!;
    });
  }

  async addEvent(proceedingId: number, c: EventContent, userId: number, actor: string, note: (id: number) => LedgerNote): Promise<ProceedingEvent> {
    return this.db.transaction(async (tx) => {
      const id = await insertEvent(tx, proceedingId, c, userId);
      await tx.query('UPDATE accountability_proceedings SET updated_at = now() WHERE id = $1', [proceedingId]);
      await this.ledger.append(tx, { actor, ...note(id) });
      return toEvent((await tx.query<EventRow>('SELECT * FROM accountability_events WHERE id = $1', [id])).rows[0]!);
    });
  }

  async updateEvent(id: number, expectedVersion: number, c: EventContent, actor: string, note: LedgerNote): Promise<ProceedingEvent> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<EventRow>(
        `UPDATE accountability_events SET occurred_on = $3, status = $4, summary = $5, version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2 RETURNING *`,
        [id, expectedVersion, c.on, c.status, c.summary],
      );
      if (!r.rows[0]) throw conflict(`event ${id} was changed meanwhile: reload and try again`);
      await this.ledger.append(tx, { actor, ...note });
      return toEvent(r.rows[0]);
    });
  }

  async createSource(caseId: number, c: SourceContent, userId: number, actor: string, note: (id: number) => LedgerNote): Promise<Source> {
    return this.db.transaction(async (tx) => {
      const id = await insertSource(tx, caseId, c, userId, null);
      await this.ledger.append(tx, { actor, ...note(id) });
      return toSource((await tx.query<SourceRow>(`${SELECT_SOURCE} WHERE s.id = $1`, [id])).rows[0]!);
    });
  }

  async updateSource(id: number, expectedVersion: number, c: SourceContent, actor: string, note: LedgerNote): Promise<Source> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query(
        `UPDATE accountability_sources SET kind = $3, title = $4, publisher = $5, url = $6, published_on = $7, retrieved_at = $8, item_id = $9,
           version = version + 1, updated_at = now() WHERE id = $1 AND version = $2 RETURNING id`,
        [id, expectedVersion, c.kind, c.title, c.publisher, c.url, c.publishedOn, c.retrievedAt, c.itemId],
      );
      if (r.rows.length === 0) throw conflict(`source ${id} was changed meanwhile: reload and try again`);
      await this.ledger.append(tx, { actor, ...note });
      return toSource((await tx.query<SourceRow>(`${SELECT_SOURCE} WHERE s.id = $1`, [id])).rows[0]!);
    });
  }

  async addClaim(
    caseId: number,
    c: ClaimContent & { eventId: number | null; personId: number | null; position: Position | null },
    userId: number,
    actor: string,
    note: (id: number) => LedgerNote,
  ): Promise<Claim> {
    return this.db.transaction(async (tx) => {
      const id = await insertClaim(tx, caseId, c, userId);
      await this.ledger.append(tx, { actor, ...note(id) });
      return toClaim((await tx.query<ClaimRow>('SELECT * FROM accountability_claims WHERE id = $1', [id])).rows[0]!);
    });
  }

  async claim(id: number): Promise<Claim | null> {
    const r = await this.db.query<ClaimRow>('SELECT * FROM accountability_claims WHERE id = $1', [id]);
    return r.rows[0] ? toClaim(r.rows[0]) : null;
  }

  async claimHistory(id: number): Promise<ClaimVersion[]> {
    const r = await this.db.query<{ claim_id: number; version: number; quote: string; confidence: Claim['confidence']; source_id: number; withdrawn: boolean; written_by: number; written_at: Date }>(
      `SELECT claim_id, version, quote, confidence, source_id, withdrawn, written_by, written_at FROM accountability_claim_versions WHERE claim_id = $1
       UNION ALL SELECT id, version, quote, confidence, source_id, withdrawn_at IS NOT NULL, COALESCE(updated_by, created_by), updated_at FROM accountability_claims WHERE id = $1
       ORDER BY version`,
      [id],
    );
    return r.rows.map((v) => ({
      claimId: Number(v.claim_id), version: v.version, quote: v.quote, confidence: v.confidence, sourceId: Number(v.source_id), withdrawn: v.withdrawn,
      writtenBy: Number(v.written_by), writtenAt: v.written_at,
    }));
  }

  async reviseClaim(id: number, expectedVersion: number, c: ClaimContent, withdraw: { reason: string | null } | null, userId: number, actor: string, note: LedgerNote): Promise<Claim> {
    return this.db.transaction(async (tx) => {
      // The version being replaced is kept, with who wrote it.
      const old = await tx.query(
        `INSERT INTO accountability_claim_versions (claim_id, version, quote, confidence, source_id, withdrawn, written_by, written_at)
         SELECT id, version, quote, confidence, source_id, false, COALESCE(updated_by, created_by), updated_at
           FROM accountability_claims WHERE id = $1 AND version = $2 AND withdrawn_at IS NULL RETURNING claim_id`,
        [id, expectedVersion],
      );
      if (old.rows.length === 0) throw conflict(`claim ${id} was changed or withdrawn meanwhile: reload and try again`);
      const r = await tx.query<ClaimRow>(
        `UPDATE accountability_claims SET quote = $2, confidence = $3, source_id = $4, version = version + 1, updated_at = now(), updated_by = $6,
           withdrawn_at = CASE WHEN $5 THEN now() END, withdrawn_by = CASE WHEN $5 THEN $6::bigint END, withdrawn_reason = $7
         WHERE id = $1 RETURNING *`,
        [id, c.quote, c.confidence, c.sourceId, withdraw !== null, userId, withdraw?.reason ?? null],
      );
      await this.ledger.append(tx, { actor, ...note });
      return toClaim(r.rows[0]!);
    });
  }

  async link(id: number): Promise<ProceedingLink | null> {
    const r = await this.db.query<{ proceeding_id: number }>('SELECT proceeding_id FROM accountability_links WHERE id = $1 AND removed_at IS NULL', [id]);
    if (!r.rows[0]) return null;
    return (await this.links([Number(r.rows[0].proceeding_id)])).find((l) => l.id === id) ?? null;
  }

  async removeLink(id: number, userId: number, actor: string, note: LedgerNote): Promise<void> {
    await this.db.transaction(async (tx) => {
      const r = await tx.query('UPDATE accountability_links SET removed_at = now(), removed_by = $2 WHERE id = $1 AND removed_at IS NULL RETURNING id', [id, userId]);
      if (r.rows.length === 0) throw conflict(`link ${id} was removed meanwhile`);
      await this.ledger.append(tx, { actor, ...note });
    });
  }

  async addLink(
    proceedingId: number,
    l: { incidentId: number | null; itemId: number | null; startSec: number | null; endSec: number | null },
    userId: number,
    actor: string,
    note: (id: number) => LedgerNote,
  ): Promise<ProceedingLink> {
    const id = await this.db.transaction(async (tx) => {
      const r = await tx.query<{ id: number }>(
        'INSERT INTO accountability_links (proceeding_id, incident_id, item_id, start_sec, end_sec, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [proceedingId, l.incidentId, l.itemId, l.startSec, l.endSec, userId],
      );
      const linkId = Number(r.rows[0]!.id);
      await this.ledger.append(tx, { actor, ...note(linkId) });
      return linkId;
    });
    return (await this.links([proceedingId])).find((x) => x.id === id)!;
  }
}

export async function oneProceeding(q: Queryable, id: number): Promise<Proceeding | null> {
  const r = await q.query<ProceedingRow>(`${SELECT_PROCEEDING} WHERE p.id = $1`, [id]);
  return r.rows[0] ? toProceeding(r.rows[0]) : null;
}

export async function insertProceeding(tx: Queryable, caseId: number, c: ProceedingContent, userId: number, importKey: string | null): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO accountability_proceedings (case_id, type, title, subject_ids, unnamed_subjects, authority, legal_article, facility_id, source_exposure, created_by, import_key)
     VALUES ($1, $2, $3, $4::bigint[], $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [caseId, c.type, c.title, c.subjectIds, c.unnamedSubjects, c.authority, c.legalArticle, c.facilityId, c.sourceExposure, userId, importKey],
  );
  return Number(r.rows[0]!.id);
}

export async function insertEvent(tx: Queryable, proceedingId: number, c: EventContent, userId: number): Promise<number> {
  const r = await tx.query<{ id: number }>(
    'INSERT INTO accountability_events (proceeding_id, occurred_on, status, summary, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [proceedingId, c.on, c.status, c.summary, userId],
  );
  return Number(r.rows[0]!.id);
}

export async function insertSource(tx: Queryable, caseId: number, c: SourceContent, userId: number, importKey: string | null): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO accountability_sources (case_id, kind, title, publisher, url, published_on, retrieved_at, item_id, created_by, import_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [caseId, c.kind, c.title, c.publisher, c.url, c.publishedOn, c.retrievedAt, c.itemId, userId, importKey],
  );
  return Number(r.rows[0]!.id);
}

export async function insertClaim(
  tx: Queryable,
  caseId: number,
  c: ClaimContent & { eventId: number | null; personId: number | null; position: Position | null },
  userId: number,
): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO accountability_claims (case_id, source_id, quote, confidence, event_id, person_id, position, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) RETURNING id`,
    [caseId, c.sourceId, c.quote, c.confidence, c.eventId, c.personId, c.position ? JSON.stringify(c.position) : null, userId],
  );
  return Number(r.rows[0]!.id);
}
