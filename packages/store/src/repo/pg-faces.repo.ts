import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../db/db.js';
import type { PgLedger } from './pg-ledger.repo.js';

export interface FaceBoxRecord {
  tSec: number;
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

export interface FaceRunRecord {
  sha256: string;
  tool: string;
  model: string;
  sampleFps: number;
  frames: number;
  framesWithFaces: number;
  maxFaces: number;
  boxes: FaceBoxRecord[];
}

export interface FaceRunSummary {
  model: string;
  tool: string;
  sampleFps: number;
  frames: number;
  framesWithFaces: number;
  maxFaces: number;
  /** Boxes stored for the run. */
  boxes: number;
  ledgerSeq: number;
}

/** Rows per INSERT: a few hundred boxes per statement instead of one round trip each. */
const BATCH = 500;

/** The boxes' digest named in the ledger entry: sorted, canonical, so anyone can recompute it. */
export function faceBoxesDigest(boxes: readonly FaceBoxRecord[]): string {
  const rows = boxes.map((b) => [b.tSec, b.x, b.y, b.w, b.h, b.score]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!);
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

/** Face detection results, written in the job's completion transaction with their ledger entry. */
export class PgFacesRepo {
  constructor(
    private readonly db: Db,
    private readonly ledger: PgLedger,
  ) {}

  /** Records a run and its boxes with a "faces-detected" entry; a run already recorded is left as it is. */
  async recordFaces(tx: Queryable, r: FaceRunRecord, actor: string): Promise<{ recorded: boolean }> {
    const existing = await tx.query('SELECT 1 FROM face_runs WHERE sha256 = $1 AND tool = $2 AND model = $3', [r.sha256, r.tool, r.model]);
    if (existing.rows.length > 0) return { recorded: false };
    const { seq } = await this.ledger.append(tx, {
      actor,
      action: 'faces-detected',
      subjects: [r.sha256],
      details: {
        sha256: r.sha256,
        tool: r.tool,
        model: r.model,
        sampleFps: r.sampleFps,
        frames: r.frames,
        framesWithFaces: r.framesWithFaces,
        maxFaces: r.maxFaces,
        boxes: r.boxes.length,
        boxesSha256: faceBoxesDigest(r.boxes),
      },
    });
    await tx.query(
      `INSERT INTO face_runs (sha256, tool, model, sample_fps, frames, frames_with_faces, max_faces, ledger_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [r.sha256, r.tool, r.model, r.sampleFps, r.frames, r.framesWithFaces, r.maxFaces, seq],
    );
    for (let i = 0; i < r.boxes.length; i += BATCH) {
      const chunk = r.boxes.slice(i, i + BATCH);
      const params: unknown[] = [r.sha256, r.tool, r.model];
      const rows = chunk.map((b) => {
        const n = params.length;
        params.push(b.tSec, b.x, b.y, b.w, b.h, b.score);
        return `($1, $2, $3, $${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6})`;
      });
      await tx.query(`INSERT INTO face_boxes (sha256, tool, model, t_sec, x, y, w, h, score) VALUES ${rows.join(', ')}`, params);
    }
    return { recorded: true };
  }

  /** The latest run of each blob, with its box count, for reports. */
  async facesOf(sha256s: string[]): Promise<Map<string, FaceRunSummary>> {
    const out = new Map<string, FaceRunSummary>();
    if (sha256s.length === 0) return out;
    const r = await this.db.query<{
      sha256: string; tool: string; model: string; sample_fps: number; frames: number; frames_with_faces: number; max_faces: number; ledger_seq: string | number; boxes: string | number;
    }>(
      `SELECT r.sha256, r.tool, r.model, r.sample_fps, r.frames, r.frames_with_faces, r.max_faces, r.ledger_seq,
              (SELECT count(*) FROM face_boxes b WHERE b.sha256 = r.sha256 AND b.tool = r.tool AND b.model = r.model) AS boxes
         FROM face_runs r WHERE r.sha256 = ANY($1) ORDER BY r.created_at, r.ledger_seq`,
      [sha256s],
    );
    for (const row of r.rows) {
      out.set(row.sha256, {
        model: row.model,
        tool: row.tool,
        sampleFps: row.sample_fps,
        frames: row.frames,
        framesWithFaces: row.frames_with_faces,
        maxFaces: row.max_faces,
        boxes: Number(row.boxes),
        ledgerSeq: Number(row.ledger_seq),
      });
    }
    return out;
  }

  /** Boxes of one blob's run, in time order (redaction and review will read them). */
  async boxesOf(sha256: string, tool: string, model: string): Promise<FaceBoxRecord[]> {
    const r = await this.db.query<{ t_sec: number; x: number; y: number; w: number; h: number; score: number }>(
      'SELECT t_sec, x, y, w, h, score FROM face_boxes WHERE sha256 = $1 AND tool = $2 AND model = $3 ORDER BY t_sec, id',
      [sha256, tool, model],
    );
    return r.rows.map((b) => ({ tSec: b.t_sec, x: b.x, y: b.y, w: b.w, h: b.h, score: b.score }));
  }
}
