import type { Db, Queryable } from '../db/db.js';
import type { PgLedger } from './pg-ledger.repo.js';

export interface ActivityRecord {
  sha256: string;
  mode: 'fast' | 'thorough';
  tool: string;
  fps: number;
  width: number;
  height: number;
  curve: number[];
  masked: { x: number; y: number; w: number; h: number }[];
  decodedSeconds: number;
  segments: { startSec: number; endSec: number; score: number; peak: number }[];
}

/** Triage results, written in the job's completion transaction with their ledger entry. */
export class PgTriageRepo {
  constructor(
    private readonly db: Db,
    private readonly ledger: PgLedger,
  ) {}

  async recordActivity(tx: Queryable, a: ActivityRecord, actor: string): Promise<void> {
    const source = `activity ${a.mode} ${a.tool}`;
    // A retried job finds its earlier result: nothing to record, and no second ledger entry.
    const done = await tx.query('SELECT 1 FROM activity_runs WHERE sha256 = $1 AND mode = $2 AND tool = $3', [a.sha256, a.mode, a.tool]);
    if (done.rows.length > 0) return;
    const { seq } = await this.ledger.append(tx, {
      actor,
      action: 'activity-detected',
      subjects: [a.sha256],
      details: { sha256: a.sha256, mode: a.mode, tool: a.tool, segments: a.segments.map((s) => [s.startSec, s.endSec]) },
    });
    const r = await tx.query(
      `INSERT INTO activity_runs (sha256, mode, tool, fps, width, height, curve, masked, decoded_seconds, ledger_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10) ON CONFLICT DO NOTHING RETURNING sha256`,
      [a.sha256, a.mode, a.tool, a.fps, a.width, a.height, JSON.stringify(a.curve), JSON.stringify(a.masked), a.decodedSeconds, seq],
    );
    if (r.rows.length === 0) return;
    for (const s of a.segments) {
      await tx.query('INSERT INTO segments (sha256, kind, source, start_sec, end_sec, score, peak) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        a.sha256,
        'activity',
        source,
        s.startSec,
        s.endSec,
        s.score,
        s.peak,
      ]);
    }
  }

  /** Activity of many blobs (the latest run of each), for reports. */
  async activityOf(sha256s: string[]): Promise<Map<string, { mode: string; tool: string; curve: number[]; masked: unknown; segments: { startSec: number; endSec: number; score: number; peak: number }[] }>> {
    const out = new Map<string, { mode: string; tool: string; curve: number[]; masked: unknown; segments: { startSec: number; endSec: number; score: number; peak: number }[] }>();
    if (sha256s.length === 0) return out;
    const runs = await this.db.query<{ sha256: string; mode: string; tool: string; curve: number[]; masked: unknown }>(
      'SELECT sha256, mode, tool, curve, masked FROM activity_runs WHERE sha256 = ANY($1) ORDER BY created_at',
      [sha256s],
    );
    for (const r of runs.rows) out.set(r.sha256, { mode: r.mode, tool: r.tool, curve: r.curve, masked: r.masked, segments: [] });
    const segs = await this.db.query<{ sha256: string; source: string; start_sec: number; end_sec: number; score: number; peak: number }>(
      "SELECT sha256, source, start_sec, end_sec, score, peak FROM segments WHERE kind = 'activity' AND sha256 = ANY($1) ORDER BY sha256, start_sec",
      [sha256s],
    );
    for (const s of segs.rows) {
      const run = out.get(s.sha256);
      if (run && s.source === `activity ${run.mode} ${run.tool}`) run.segments.push({ startSec: s.start_sec, endSec: s.end_sec, score: s.score, peak: s.peak });
    }
    return out;
  }
}
