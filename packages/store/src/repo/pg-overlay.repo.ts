import { createHash } from 'node:crypto';
import { invalid } from '@custodia/core';
import { canonicalJson } from '@custodia/ledger';
import { z } from 'zod';
import type { Db, Queryable } from '../db/db.js';
import type { PgLedger } from './pg-ledger.repo.js';

const rect = z.object({ x: z.number().int().min(0), y: z.number().int().min(0), w: z.number().int().positive(), h: z.number().int().positive() });
const isoTime = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'an ISO 8601 time');

export const overlayFlagSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('clock-jump'), fromSec: z.number().min(0), toSec: z.number().min(0), before: isoTime, after: isoTime, jumpSec: z.number() }),
  z.object({ kind: z.literal('metadata-mismatch'), overlayStart: isoTime, creationTime: isoTime, differenceSec: z.number() }),
  z.object({ kind: z.literal('unreadable'), reason: z.string().min(1) }),
]);
export type OverlayFlagRecord = z.infer<typeof overlayFlagSchema>;

export const overlayRecordSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** OCR engine and language data (with hashes). */
  tool: z.string().min(1),
  /** ffmpeg that decoded the frames. */
  decoder: z.string().min(1),
  startTime: isoTime.nullable(),
  cameraLabel: z.string().min(1).nullable(),
  confidence: z.number().min(0).max(1),
  flags: z.array(overlayFlagSchema),
  readings: z.array(
    z.object({
      atSec: z.number().min(0),
      kind: z.enum(['clock', 'label']),
      text: z.string(),
      time: isoTime.nullable(),
      confidence: z.number(),
      region: rect,
    }),
  ),
});
export type OverlayRecord = z.infer<typeof overlayRecordSchema>;

export interface OverlayRun {
  tool: string;
  startTime: string | null;
  cameraLabel: string | null;
  confidence: number;
  flags: OverlayFlagRecord[];
  readings: { atSec: number; kind: string; text: string; time: string | null; confidence: number }[];
}

/** Overlay (burned-in clock and label) readings, written in the job's completion transaction with their ledger entry. */
export class PgOverlayRepo {
  constructor(
    private readonly db: Db,
    private readonly ledger: PgLedger,
  ) {}

  async recordOverlay(tx: Queryable, input: OverlayRecord, actor: string): Promise<void> {
    const parsed = overlayRecordSchema.safeParse(input);
    if (!parsed.success) {
      throw invalid(`overlay result for ${String(input?.sha256)} is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const o = parsed.data;
    // The ledger names what was read and by what; the full result (label text included) stays in
    // the database, bound to the entry by its hash.
    const resultSha256 = createHash('sha256').update(canonicalJson(o)).digest('hex');
    const { seq } = await this.ledger.append(tx, {
      actor,
      action: 'overlay-read',
      subjects: [o.sha256],
      details: {
        sha256: o.sha256,
        tool: o.tool,
        decoder: o.decoder,
        startTime: o.startTime,
        flags: o.flags.map((f) => f.kind),
        readings: o.readings.length,
        resultSha256,
      },
    });
    const r = await tx.query(
      `INSERT INTO overlay_runs (sha256, tool, start_time, camera_label, confidence, flags, ledger_seq)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) ON CONFLICT DO NOTHING RETURNING sha256`,
      [o.sha256, o.tool, o.startTime, o.cameraLabel, o.confidence, JSON.stringify(o.flags), seq],
    );
    if (r.rows.length === 0) return; // recorded by an earlier run of the same job
    for (const x of o.readings) {
      await tx.query(
        'INSERT INTO overlay_readings (sha256, tool, at_sec, text, parsed_time, confidence, region) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)',
        [o.sha256, o.tool, x.atSec, x.text, x.time, x.confidence, JSON.stringify({ kind: x.kind, ...x.region })],
      );
    }
  }

  /** The latest overlay reading of each of many blobs, for reports. */
  async overlayOf(sha256s: string[]): Promise<Map<string, OverlayRun>> {
    const out = new Map<string, OverlayRun>();
    if (sha256s.length === 0) return out;
    const runs = await this.db.query<{ sha256: string; tool: string; start_time: Date | null; camera_label: string | null; confidence: number; flags: unknown }>(
      'SELECT sha256, tool, start_time, camera_label, confidence, flags FROM overlay_runs WHERE sha256 = ANY($1) ORDER BY created_at',
      [sha256s],
    );
    for (const r of runs.rows) {
      const flags = z.array(overlayFlagSchema).safeParse(r.flags);
      out.set(r.sha256, {
        tool: r.tool,
        startTime: r.start_time ? new Date(r.start_time).toISOString() : null,
        cameraLabel: r.camera_label,
        confidence: r.confidence,
        flags: flags.success ? flags.data : [{ kind: 'unreadable', reason: 'stored flags are malformed' }],
        readings: [],
      });
    }
    const readings = await this.db.query<{ sha256: string; tool: string; at_sec: number; text: string; parsed_time: Date | null; confidence: number; region: { kind?: string } }>(
      'SELECT sha256, tool, at_sec, text, parsed_time, confidence, region FROM overlay_readings WHERE sha256 = ANY($1) ORDER BY sha256, at_sec, id',
      [sha256s],
    );
    for (const x of readings.rows) {
      const run = out.get(x.sha256);
      if (run && run.tool === x.tool) {
        run.readings.push({ atSec: x.at_sec, kind: x.region?.kind ?? 'clock', text: x.text, time: x.parsed_time ? new Date(x.parsed_time).toISOString() : null, confidence: x.confidence });
      }
    }
    return out;
  }
}
