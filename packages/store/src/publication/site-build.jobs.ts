// Public site builds as jobs on the queue (docs/adr/0029-site-build-jobs.md): the request records a
// queued build and its job in one transaction; a worker builds the site into a temporary folder and,
// in the transaction that completes the job, records the `site-published` entry, marks the build
// done and renames the folder and zip into place. A build that fails keeps its reason and leaves
// nothing; a worker that dies loses its lease and the next worker builds it again (ADR 0005).
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { invalid } from '@custodia/core';
import { z } from 'zod';
import type { Db, Queryable } from '../db/db.js';
import { PermanentJobError } from '../jobs/job.errors.js';
import type { Job, JobHandler, JobState } from '../jobs/job.types.js';
import { PgJobQueue } from '../jobs/pg-job.queue.js';
import type { Vault } from '../vault.js';
import { preparePublicSite, type PreparedSite, type SiteBuildProgress } from './build-site.use-case.js';
import { publicSiteContent } from './site-content.js';

export const SITE_BUILD_JOB = 'site-build';
/** Claims of a build job before it gives up (a worker killed mid-build costs one). */
const BUILD_MAX_ATTEMPTS = 3;
/** Progress is written at most this often, besides each change of phase (one UPDATE each). */
const PROGRESS_EVERY_MS = 1000;

export type SiteBuildState = 'queued' | 'running' | 'done' | 'failed';

/** A site build as the API shows it: its own state, and its job's attempts and last error. */
export interface SiteBuildView {
  id: number;
  caseId: number;
  state: SiteBuildState;
  progress: SiteBuildProgress | null;
  /** Why it failed (its own error, or why its job gave up). */
  error: string | null;
  job: { id: number; state: JobState; attempts: number; maxAttempts: number; lastError: string | null } | null;
  dir: string;
  /** The zip's path; only a done build has one in place. */
  zip: string | null;
  incidents: number | null;
  videos: number | null;
  builtBy: string;
  requestedAt: Date;
  builtAt: Date | null;
  ledgerSeq: number | null;
  /** Once done: what was left out (an incident or redaction no longer publishable) and what went wrong without stopping it. */
  skipped: { incident: number; redaction: number | null; reason: string }[];
  warnings: string[];
}

interface BuildRow {
  id: string | number;
  case_id: string | number;
  state: SiteBuildState;
  progress: SiteBuildProgress | null;
  failure: string | null;
  dir: string;
  zip: string | null;
  incidents: number | null;
  videos: number | null;
  username: string;
  requested_at: Date;
  built_at: Date | null;
  ledger_seq: string | number | null;
  job_id: string | number | null;
  job_state: JobState | null;
  job_attempts: number | null;
  job_max_attempts: number | null;
  job_last_error: string | null;
  job_result: { skipped?: SiteBuildView['skipped']; warnings?: string[] } | null;
}

const SELECT = `SELECT b.id, b.case_id, b.state, b.progress, b.failure, b.dir, b.zip, b.incidents, b.videos, u.username, b.requested_at, b.built_at, b.ledger_seq,
    b.job_id, j.state AS job_state, j.attempts AS job_attempts, j.max_attempts AS job_max_attempts, j.last_error AS job_last_error, j.result AS job_result
  FROM site_builds b JOIN users u ON u.id = b.built_by LEFT JOIN jobs j ON j.id = b.job_id`;

/** Queued or running, but its job gave up (its worker died on every attempt) or is gone. */
const gaveUp = (r: BuildRow): boolean => (r.state === 'queued' || r.state === 'running') && r.job_id !== null && r.job_state !== 'queued' && r.job_state !== 'running';

const toView = (r: BuildRow): SiteBuildView => ({
  id: Number(r.id),
  caseId: Number(r.case_id),
  state: gaveUp(r) ? 'failed' : r.state,
  progress: r.progress,
  error: r.failure ?? (gaveUp(r) ? `the build job gave up: ${r.job_last_error ?? (r.job_state ? 'no reason recorded' : 'the job no longer exists')}` : null),
  job: r.job_id === null || r.job_state === null
    ? null
    : { id: Number(r.job_id), state: r.job_state, attempts: r.job_attempts ?? 0, maxAttempts: r.job_max_attempts ?? 0, lastError: r.job_last_error },
  dir: r.dir,
  zip: r.state === 'done' ? r.zip : null,
  incidents: r.incidents,
  videos: r.videos,
  builtBy: r.username,
  requestedAt: new Date(r.requested_at),
  builtAt: r.built_at ? new Date(r.built_at) : null,
  ledgerSeq: r.ledger_seq === null ? null : Number(r.ledger_seq),
  skipped: r.state === 'done' ? (r.job_result?.skipped ?? []) : [],
  warnings: r.state === 'done' ? (r.job_result?.warnings ?? []) : [],
});

/** The builds of a case, newest first. */
export async function siteBuilds(db: Queryable, caseId: number, limit = 20): Promise<SiteBuildView[]> {
  const r = await db.query<BuildRow>(`${SELECT} WHERE b.case_id = $1 ORDER BY b.id DESC LIMIT $2`, [caseId, limit]);
  return r.rows.map(toView);
}

export async function siteBuild(db: Queryable, caseId: number, id: number): Promise<SiteBuildView | null> {
  const r = await db.query<BuildRow>(`${SELECT} WHERE b.id = $1 AND b.case_id = $2`, [id, caseId]);
  return r.rows[0] ? toView(r.rows[0]) : null;
}

/**
 * Asks for a build of the case's public site (the caller checked the role). While a build of the
 * case is queued or running, returns that one (`created: false`); otherwise checks that something is
 * marked public, then records a queued build and enqueues its job in one transaction. The site goes
 * to `<data folder>/sites/case-<case>-<time>-build-<id>` (and `.zip`).
 */
export async function requestSiteBuild(vault: Vault, x: { caseId: number; userId: number }): Promise<{ build: SiteBuildView; created: boolean }> {
  const active = async (tx: Queryable) => (await tx.query<BuildRow>(`${SELECT} WHERE b.case_id = $1 AND b.state IN ('queued', 'running') FOR UPDATE OF b`, [x.caseId])).rows[0];
  const found = await vault.db.transaction(async (tx) => {
    const row = await active(tx);
    if (!row) return null;
    if (!gaveUp(row)) return toView(row);
    // Its job gave up: the build failed (with the job's reason), and a new one may start.
    await tx.query(`UPDATE site_builds SET state = 'failed', failure = $2, progress = NULL WHERE id = $1`, [row.id, toView(row).error]);
    return null;
  });
  if (found) return { build: found, created: false };
  // Refused at once rather than queued to fail: nothing marked public, or a public text that no
  // longer matches its ledger entry. The worker checks again when it builds.
  const content = await publicSiteContent(vault.db, x.caseId);
  if (content.incidents.length === 0) {
    throw invalid(`nothing to publish: no verified incident of this case is marked public${content.skipped.length ? ` (${content.skipped.map((s) => `incident ${s.incident}: ${s.reason}`).join('; ')})` : ''}`);
  }
  const queue = new PgJobQueue(vault.db);
  return vault.db.transaction(async (tx) => {
    const id = Number((await tx.query<{ id: string }>(`SELECT nextval(pg_get_serial_sequence('site_builds', 'id')) AS id`)).rows[0]!.id);
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    const dir = join(vault.config.home, 'sites', `case-${x.caseId}-${stamp}-build-${id}`);
    const ins = await tx.query(
      `INSERT INTO site_builds (id, case_id, dir, state, built_by) VALUES ($1, $2, $3, 'queued', $4)
       ON CONFLICT (case_id) WHERE state IN ('queued', 'running') DO NOTHING RETURNING id`,
      [id, x.caseId, dir, x.userId],
    );
    if (ins.rows.length === 0) {
      // Another request of the same case got there first: that build is the one.
      return { build: toView((await active(tx))!), created: false };
    }
    const job = await queue.enqueue(tx, { name: SITE_BUILD_JOB, key: `${SITE_BUILD_JOB}:${id}`, payload: { buildId: id }, maxAttempts: BUILD_MAX_ATTEMPTS });
    await tx.query('UPDATE site_builds SET job_id = $2 WHERE id = $1', [id, job.id]);
    return { build: (await siteBuild(tx, x.caseId, id))!, created: true };
  });
}

export interface SiteBuildJobDeps {
  /** Writes a JPEG poster frame of `video` to `out` (ffmpeg, from the composition root). */
  poster: (video: string, out: string) => Promise<void>;
  verifierBundle: string;
  toolVersion: string;
  /** The worker's name, kept in the ledger entry's details, e.g. "worker vault-1/4242". */
  actor: string;
}

const payloadSchema = z.object({ buildId: z.number().int().positive() });

/** The handler of the site build jobs, to merge into a worker's handlers. */
export function createSiteBuildJobs(vault: Vault, deps: SiteBuildJobDeps): Record<typeof SITE_BUILD_JOB, JobHandler> {
  return {
    async [SITE_BUILD_JOB](job, ctx) {
      const p = payloadSchema.safeParse(job.payload);
      if (!p.success) throw new PermanentJobError(`job ${job.id}: the payload is not a site build (${p.error.issues[0]?.message ?? 'invalid'})`);
      const id = p.data.buildId;
      const row = (await vault.db.query<BuildRow>(`${SELECT} WHERE b.id = $1`, [id])).rows[0];
      if (!row) throw new PermanentJobError(`job ${job.id}: there is no site build ${id}`);
      if (row.state === 'done' || row.state === 'failed') return { status: 'skipped', result: { build: id, state: row.state } };
      await mkdir(dirname(row.dir), { recursive: true });
      // What an earlier attempt of this build left (its worker died): never recorded, nobody else's.
      await removeSiteFiles(row.dir);
      await sweepFailedBuilds(vault.db);
      await vault.db.query(`UPDATE site_builds SET state = 'running', progress = NULL WHERE id = $1 AND state IN ('queued', 'running')`, [id]);

      let last = 0;
      let phase = '';
      let writing: Promise<void> = Promise.resolve();
      const onProgress = (pr: SiteBuildProgress) => {
        const now = Date.now();
        if (pr.phase === phase && now - last < PROGRESS_EVERY_MS && pr.done < pr.total) return;
        [last, phase] = [now, pr.phase];
        writing = writing
          .then(async () => {
            await vault.db.query(`UPDATE site_builds SET progress = $2::jsonb WHERE id = $1 AND state = 'running'`, [id, JSON.stringify(pr)]);
          })
          .catch(() => {});
      };
      let prepared: PreparedSite;
      try {
        prepared = await preparePublicSite(vault, {
          caseId: Number(row.case_id), outDir: row.dir, zip: true, actor: `user:${row.username}`, verifierBundle: deps.verifierBundle, toolVersion: deps.toolVersion,
          poster: deps.poster, onProgress, signal: ctx.signal, workTag: `job${job.id}-${job.attempts}`,
          details: { build: id, worker: deps.actor, job: job.id, attempt: job.attempts },
        });
      } catch (err) {
        await writing;
        // Lost the lease (another worker has the job now) or stopping: record nothing.
        if (ctx.signal.aborted) throw err;
        const reason = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
        await failBuild(vault.db, job, id, reason);
        throw new PermanentJobError(reason);
      }
      await writing;
      const r = prepared.result;
      return {
        status: 'success',
        result: { build: id, incidents: r.incidents, videos: r.videos, files: r.files, bytes: r.bytes, skipped: r.skipped, warnings: r.warnings },
        commit: async (tx) => {
          await prepared.install(tx, async (t, seq) => {
            await t.query(
              `UPDATE site_builds SET state = 'done', failure = NULL, zip = $2, incidents = $3, videos = $4, ledger_seq = $5, built_at = now(), progress = $6::jsonb WHERE id = $1`,
              [id, r.zip, r.incidents, r.videos, seq, JSON.stringify({ phase: 'zip', done: 1, total: 1 })],
            );
          });
          // A stalled earlier attempt's temporary folder, if any: it can never be put in place now.
          await removePartials(row.dir).catch(() => {});
        },
      };
    },
  };
}

/** Fails the build with its reason while this claim still holds the job (a stale worker writes nothing). */
async function failBuild(db: Db, job: Job, id: number, reason: string): Promise<void> {
  await db.query(
    `UPDATE site_builds SET state = 'failed', failure = $2, progress = NULL
     WHERE id = $1 AND state IN ('queued', 'running')
       AND EXISTS (SELECT 1 FROM jobs WHERE id = $3 AND state = 'running' AND locked_by = $4 AND attempts = $5)`,
    [id, reason, job.id, job.lockedBy, job.attempts],
  );
}

/** Removes a build's folder, zip and temporary folders (only ever for a build not done). */
async function removeSiteFiles(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await rm(`${dir}.zip`, { force: true });
  await removePartials(dir);
}

async function removePartials(dir: string): Promise<void> {
  const prefix = `${basename(dir)}.partial-`;
  const names = existsSync(dirname(dir)) ? await readdir(dirname(dir)) : [];
  for (const n of names) if (n.startsWith(prefix)) await rm(join(dirname(dir), n), { recursive: true, force: true });
}

/**
 * Files of failed builds (a commit that failed after the rename, a worker that died on its last
 * attempt): a failed build leaves nothing.
 */
async function sweepFailedBuilds(db: Db): Promise<void> {
  const r = await db.query<{ dir: string }>(
    `SELECT b.dir FROM site_builds b LEFT JOIN jobs j ON j.id = b.job_id
     WHERE b.state = 'failed' OR (b.state IN ('queued', 'running') AND b.job_id IS NOT NULL AND (j.state IS NULL OR j.state IN ('failed', 'done', 'skipped')))`,
  );
  for (const { dir } of r.rows) await removeSiteFiles(dir).catch(() => {});
}
