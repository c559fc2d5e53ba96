import type { Db, Queryable } from '../db/db.js';
import type { PgLedger } from './pg-ledger.repo.js';

export type DerivativeKind = 'proxy' | 'poster' | 'filmstrip' | 'salvage';

export interface StoredProbe {
  sha256: string;
  tool: string;
  status: 'ok' | 'failed';
  failureKind: string | null;
  failureMessage: string | null;
  facts: Record<string, unknown>;
  ledgerSeq: number;
}

export interface StepState {
  step: string;
  state: string;
  attempts: number;
  error: string | null;
  result: unknown;
}

export interface StoredDerivative {
  id: number;
  sha256: string;
  sourceSha256: string;
  kind: DerivativeKind;
  tool: string;
  recipe: Record<string, unknown>;
  ledgerSeq: number;
}

/**
 * Media facts and derivatives. Writes happen inside the job's completion transaction, with the
 * ledger entry that names input hash, output hash, tool and version.
 */
export class PgMediaRepo {
  constructor(
    private readonly db: Db,
    private readonly ledger: PgLedger,
  ) {}

  async recordProbe(
    tx: Queryable,
    p: Omit<StoredProbe, 'ledgerSeq'>,
    actor: string,
  ): Promise<void> {
    // A retried job finds its earlier result: nothing to record, and no second ledger entry.
    const done = await tx.query('SELECT 1 FROM media_probes WHERE sha256 = $1 AND tool = $2', [p.sha256, p.tool]);
    if (done.rows.length > 0) return;
    const { seq } = await this.ledger.append(tx, {
      actor,
      action: 'probed',
      subjects: [p.sha256],
      details: { sha256: p.sha256, tool: p.tool, status: p.status, failureKind: p.failureKind },
    });
    await tx.query(
      `INSERT INTO media_probes (sha256, tool, status, failure_kind, failure_message, facts, ledger_seq)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) ON CONFLICT (sha256, tool) DO NOTHING`,
      [p.sha256, p.tool, p.status, p.failureKind, p.failureMessage, JSON.stringify(p.facts), seq],
    );
  }

  async recordDerivative(
    tx: Queryable,
    d: Omit<StoredDerivative, 'id' | 'ledgerSeq'> & { size: number },
    actor: string,
  ): Promise<void> {
    await tx.query('INSERT INTO blobs (sha256, size) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING', [d.sha256, d.size]);
    const { seq } = await this.ledger.append(tx, {
      actor,
      action: 'derivative-made',
      subjects: [d.sourceSha256, d.sha256],
      details: { kind: d.kind, source: d.sourceSha256, derivative: d.sha256, size: d.size, tool: d.tool, recipe: d.recipe },
    });
    await tx.query(
      `INSERT INTO derivatives (sha256, source_sha256, kind, tool, recipe, ledger_seq)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT (source_sha256, kind, tool) DO NOTHING`,
      [d.sha256, d.sourceSha256, d.kind, d.tool, JSON.stringify(d.recipe), seq],
    );
  }

  async probeOf(sha256: string): Promise<StoredProbe | null> {
    const r = await this.db.query<ProbeRow>('SELECT * FROM media_probes WHERE sha256 = $1 ORDER BY created_at DESC LIMIT 1', [sha256]);
    return r.rows[0] ? toProbe(r.rows[0]) : null;
  }

  async derivativesOf(sourceSha256: string): Promise<StoredDerivative[]> {
    const r = await this.db.query<DerivativeRow>('SELECT * FROM derivatives WHERE source_sha256 = $1 ORDER BY id', [sourceSha256]);
    return r.rows.map(toDerivative);
  }

  /**
   * A healthy MP4 from the same case to lend its codec configuration to a truncated one (the
   * "untrunc" salvage): same folder first, then same acquisition, then anywhere in the case.
   */
  async salvageReference(sha256: string): Promise<string | null> {
    const r = await this.db.query<{ sha256: string }>(
      `WITH t AS (SELECT case_id, acquisition_id, rel_path FROM items WHERE sha256 = $1 ORDER BY id LIMIT 1)
       SELECT i.sha256 FROM items i
         JOIN t ON i.case_id = t.case_id
         JOIN media_probes mp ON mp.sha256 = i.sha256 AND mp.status = 'ok'
       WHERE i.sha256 <> $1 AND (mp.facts->>'container') ILIKE '%mp4%' AND mp.facts->'video' IS NOT NULL
         AND mp.facts->'video' <> 'null'::jsonb
       ORDER BY (regexp_replace(i.rel_path, '/[^/]*$', '') = regexp_replace(t.rel_path, '/[^/]*$', '')) DESC,
                (i.acquisition_id = t.acquisition_id) DESC, i.id
       LIMIT 1`,
      [sha256],
    );
    return r.rows[0]?.sha256 ?? null;
  }

  /** Probe jobs still to run for blobs of the same case (a salvage waits for them to find a reference). */
  async pendingProbesInCase(sha256: string): Promise<number> {
    const r = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM jobs j
       WHERE j.name = 'probe' AND j.state IN ('queued', 'running') AND j.payload->>'sha256' <> $1
         AND j.payload->>'sha256' IN (
           SELECT i.sha256 FROM items i WHERE i.case_id IN (SELECT case_id FROM items WHERE sha256 = $1))`,
      [sha256],
    );
    return r.rows[0]?.n ?? 0;
  }

  /** The state of every pipeline step of these blobs (from the job queue), for reports. */
  async stepsOf(sha256s: string[]): Promise<Map<string, StepState[]>> {
    const out = new Map<string, StepState[]>();
    if (sha256s.length === 0) return out;
    const r = await this.db.query<{ sha256: string; name: string; state: string; attempts: number; last_error: string | null; result: unknown }>(
      `SELECT payload->>'sha256' AS sha256, name, state, attempts, last_error, result FROM jobs
       WHERE payload->>'sha256' = ANY($1) ORDER BY id`,
      [sha256s],
    );
    for (const row of r.rows) {
      const list = out.get(row.sha256) ?? [];
      list.push({ step: row.name, state: row.state, attempts: row.attempts, error: row.last_error, result: row.result ?? null });
      out.set(row.sha256, list);
    }
    return out;
  }

  /** Probes and derivatives of many blobs at once, for reports. */
  async mediaOf(sha256s: string[]): Promise<{ probes: Map<string, StoredProbe>; derivatives: Map<string, StoredDerivative[]> }> {
    const probes = new Map<string, StoredProbe>();
    const derivatives = new Map<string, StoredDerivative[]>();
    if (sha256s.length === 0) return { probes, derivatives };
    const p = await this.db.query<ProbeRow>('SELECT * FROM media_probes WHERE sha256 = ANY($1) ORDER BY created_at', [sha256s]);
    for (const row of p.rows) probes.set(row.sha256, toProbe(row));
    const d = await this.db.query<DerivativeRow>('SELECT * FROM derivatives WHERE source_sha256 = ANY($1) ORDER BY id', [sha256s]);
    for (const row of d.rows) derivatives.set(row.source_sha256, [...(derivatives.get(row.source_sha256) ?? []), toDerivative(row)]);
    return { probes, derivatives };
  }
}

interface ProbeRow {
  sha256: string;
  tool: string;
  status: 'ok' | 'failed';
  failure_kind: string | null;
  failure_message: string | null;
  facts: Record<string, unknown>;
  ledger_seq: number;
}
const toProbe = (r: ProbeRow): StoredProbe => ({
  sha256: r.sha256,
  tool: r.tool,
  status: r.status,
  failureKind: r.failure_kind,
  failureMessage: r.failure_message,
  facts: r.facts,
  ledgerSeq: r.ledger_seq,
});

interface DerivativeRow {
  id: number;
  sha256: string;
  source_sha256: string;
  kind: DerivativeKind;
  tool: string;
  recipe: Record<string, unknown>;
  ledger_seq: number;
}
const toDerivative = (r: DerivativeRow): StoredDerivative => ({
  id: r.id,
  sha256: r.sha256,
  sourceSha256: r.source_sha256,
  kind: r.kind,
  tool: r.tool,
  recipe: r.recipe,
  ledgerSeq: r.ledger_seq,
});
