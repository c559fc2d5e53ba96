import type { Db } from '@custodia/store';
import type { ImportResult } from '@custodia/intake';

export type IntakeImportState = 'running' | 'done' | 'failed' | 'interrupted';

export interface IntakeImportProgress {
  batches: number;
  files: number;
  bytes: number;
  plannedFiles: number;
  plannedBytes: number;
}

export interface IntakeImportJob {
  id: string;
  submissionId: string;
  caseId: number;
  caseName: string;
  /** Who started it (the ledger's actor of the acquisition). */
  actor: string;
  state: IntakeImportState;
  startedAt: string;
  finishedAt: string | null;
  /** Files and plaintext bytes of the batch being ingested: planned and done so far. */
  progress: IntakeImportProgress;
  result: ImportResult | null;
  error: string | null;
}

export interface StoredImportJob extends IntakeImportJob {
  again: boolean;
  runner: string;
  heartbeatAt: Date;
}

interface Row {
  id: string;
  submission_id: string;
  case_id: string | number;
  case_name: string;
  actor: string;
  again: boolean;
  state: IntakeImportState;
  runner: string;
  started_at: Date | string;
  heartbeat_at: Date | string;
  finished_at: Date | string | null;
  progress: IntakeImportProgress | string;
  result: ImportResult | string | null;
  error: string | null;
}

const json = <T>(v: T | string | null): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const iso = (v: Date | string) => new Date(v).toISOString();
const EMPTY: IntakeImportProgress = { batches: 0, files: 0, bytes: 0, plannedFiles: 0, plannedBytes: 0 };

function toJob(r: Row): StoredImportJob {
  return {
    id: r.id,
    submissionId: r.submission_id,
    caseId: Number(r.case_id),
    caseName: r.case_name,
    actor: r.actor,
    state: r.state,
    startedAt: iso(r.started_at),
    finishedAt: r.finished_at === null ? null : iso(r.finished_at),
    progress: { ...EMPTY, ...(json(r.progress) ?? {}) },
    result: json(r.result),
    error: r.error,
    again: r.again,
    runner: r.runner,
    heartbeatAt: new Date(r.heartbeat_at),
  };
}

const COLUMNS = 'id, submission_id, case_id, case_name, actor, again, state, runner, started_at, heartbeat_at, finished_at, progress, result, error';

/** Web imports of intake submissions (migration 038): status that survives a restart. */
export class PgIntakeImportJobsRepo {
  constructor(private readonly db: Db) {}

  async insert(job: IntakeImportJob & { again: boolean; runner: string }): Promise<void> {
    await this.db.query(
      `INSERT INTO intake_import_jobs (id, submission_id, case_id, case_name, actor, again, state, runner, started_at, heartbeat_at, progress)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), $10)`,
      [job.id, job.submissionId, job.caseId, job.caseName, job.actor, job.again, job.state, job.runner, job.startedAt, JSON.stringify(job.progress)],
    );
  }

  /** Progress and a heartbeat while the job runs. */
  async beat(id: string, progress: IntakeImportProgress): Promise<void> {
    await this.db.query("UPDATE intake_import_jobs SET progress = $2, heartbeat_at = now() WHERE id = $1 AND state = 'running'", [id, JSON.stringify(progress)]);
  }

  async finish(job: IntakeImportJob): Promise<void> {
    await this.db.query(
      'UPDATE intake_import_jobs SET state = $2, finished_at = $3, progress = $4, result = $5, error = $6, heartbeat_at = now() WHERE id = $1',
      [job.id, job.state, job.finishedAt, JSON.stringify(job.progress), job.result === null ? null : JSON.stringify(job.result), job.error],
    );
  }

  /** Marks running jobs whose process is gone as interrupted (only if still running). */
  async interrupt(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query("UPDATE intake_import_jobs SET state = 'interrupted', finished_at = heartbeat_at WHERE id = ANY($1::text[]) AND state = 'running'", [ids]);
  }

  async get(id: string): Promise<StoredImportJob | null> {
    const r = await this.db.query<Row>(`SELECT ${COLUMNS} FROM intake_import_jobs WHERE id = $1`, [id]);
    return r.rows[0] ? toJob(r.rows[0]) : null;
  }

  async running(): Promise<StoredImportJob[]> {
    const r = await this.db.query<Row>(`SELECT ${COLUMNS} FROM intake_import_jobs WHERE state = 'running'`);
    return r.rows.map(toJob);
  }

  async recent(limit = 200): Promise<StoredImportJob[]> {
    const r = await this.db.query<Row>(`SELECT ${COLUMNS} FROM intake_import_jobs ORDER BY started_at DESC, id LIMIT $1`, [limit]);
    return r.rows.map(toJob);
  }
}
