import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { conflict, notFound } from '@custodia/core';
import { importSubmission, ledgerIntakeDeletions, type FileKeyRing, type PulledSubmission } from '@custodia/intake';
import { isProcessAlive, type Vault } from '@custodia/store';
import type { Logger } from 'pino';
import type { IntakeLink } from './intake-link.js';
import { PgIntakeImportJobsRepo, type IntakeImportJob, type StoredImportJob } from './pg-intake-import-jobs.repo.js';

export type { IntakeImportJob } from './pg-intake-import-jobs.repo.js';

/** This process, as it signs the jobs it runs: host, pid and a token for this start. */
const RUNNER = `${hostname()} ${process.pid} ${randomBytes(6).toString('hex')}`;
/** How often a running job writes its progress (and so shows it is alive). */
const BEAT_MS = 5_000;
/** A running job not heard from for this long is taken as interrupted, whatever its host. */
const STALE_MS = 2 * 60_000;

/** Whether the process that was running a job is gone. */
function runnerGone(job: StoredImportJob, live: ReadonlySet<string>): boolean {
  if (job.runner === RUNNER) return !live.has(job.id);
  const [host, pid] = job.runner.split(' ');
  if (host === hostname() && (Number(pid) === process.pid || !isProcessAlive(Number(pid)))) return true;
  return Date.now() - job.heartbeatAt.getTime() > STALE_MS;
}

const publicJob = (j: StoredImportJob | IntakeImportJob): IntakeImportJob => ({
  id: j.id, submissionId: j.submissionId, caseId: j.caseId, caseName: j.caseName, actor: j.actor, state: j.state,
  startedAt: j.startedAt, finishedAt: j.finishedAt, progress: { ...j.progress }, result: j.result, error: j.error,
});

/**
 * Imports started from the web app, run in this process one submission at a time. The job gets
 * the per-file keys the staff member's browser unwrapped (never the identity, ADR 0028): held in
 * the job's closure while it runs, zeroed when it ends, never written anywhere. Jobs are recorded in the
 * vault's database (migration 038) so their status survives a restart: a job whose process died
 * is shown as `interrupted`, and importing the submission again resumes its acquisition.
 */
export class IntakeImportJobs {
  /** Jobs this process is running: their freshest progress. */
  private readonly live = new Map<string, IntakeImportJob>();
  private readonly repo: PgIntakeImportJobsRepo;

  constructor(
    private readonly link: IntakeLink,
    private readonly vault: Vault,
    private readonly log: Logger,
  ) {
    this.repo = new PgIntakeImportJobsRepo(vault.db);
  }

  /** Running jobs whose process is gone become interrupted. */
  private async settle(): Promise<void> {
    const ids = new Set(this.live.keys());
    const gone = (await this.repo.running()).filter((j) => runnerGone(j, ids)).map((j) => j.id);
    await this.repo.interrupt(gone);
  }

  async get(id: string): Promise<IntakeImportJob> {
    const mine = this.live.get(id);
    if (mine) return publicJob(mine);
    await this.settle();
    const j = await this.repo.get(id);
    if (!j) throw notFound(`no import job ${id}`);
    return publicJob(j);
  }

  async list(): Promise<IntakeImportJob[]> {
    await this.settle();
    return (await this.repo.recent()).map((j) => publicJob(this.live.get(j.id) ?? j));
  }

  async start(sub: PulledSubmission, keys: FileKeyRing, target: { caseId: number; caseName: string }, actor: string, again: boolean): Promise<IntakeImportJob> {
    await this.settle();
    const running = (await this.repo.running()).find((j) => j.submissionId === sub.id);
    if (running) throw conflict(`submission ${sub.id} is being imported already (job ${running.id})`, { job: running.id });
    const job: IntakeImportJob = {
      id: `imp-${randomBytes(8).toString('hex')}`,
      submissionId: sub.id,
      caseId: target.caseId,
      caseName: target.caseName,
      actor,
      state: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      progress: { batches: 0, files: 0, bytes: 0, plannedFiles: 0, plannedBytes: 0 },
      result: null,
      error: null,
    };
    await this.repo.insert({ ...job, again, runner: RUNNER });
    this.live.set(job.id, job);
    void this.run(job, sub, keys, again);
    return publicJob(job);
  }

  private async run(job: IntakeImportJob, sub: PulledSubmission, keys: FileKeyRing, again: boolean): Promise<void> {
    let last = 0;
    const write = () => {
      last = Date.now();
      void this.repo.beat(job.id, job.progress).catch(() => undefined);
    };
    // Progress is written when a batch or file starts or ends (at most once a second) and every few seconds.
    const touch = () => void (Date.now() - last >= 1_000 && write());
    const beat = setInterval(write, BEAT_MS);
    beat.unref();
    try {
      job.result = await importSubmission(sub, {
        pull: this.link.pull,
        identities: keys,
        ingest: this.link.ingestBatch({
          caseName: job.caseName,
          actor: job.actor,
          again,
          // Counts only: the source's paths are not kept on the job.
          progress: {
            planned: (t) => {
              Object.assign(job.progress, { batches: job.progress.batches + 1, files: 0, bytes: 0, plannedFiles: t.files, plannedBytes: t.bytes });
              write();
            },
            fileStarted: () => undefined,
            bytes: (n) => void (job.progress.bytes += n),
            fileDone: () => {
              job.progress.files += 1;
              touch();
            },
          },
        }),
      });
      // Deletions the intake reports are ledgered as `custodia intake import` does.
      const d = await ledgerIntakeDeletions(this.vault, await this.link.pull.events(), job.actor);
      if (d.recorded > 0) await this.vault.checkpoint();
      job.state = 'done';
    } catch (e) {
      job.state = 'failed';
      job.error = e instanceof Error ? e.message : String(e);
      // The submission id is pseudonymous; nothing about the source is logged.
      this.log.error({ job: job.id, submission: sub.id, err: job.error }, 'intake import failed');
    } finally {
      clearInterval(beat);
      keys.clear();
      job.finishedAt = new Date().toISOString();
      try {
        await this.repo.finish(job);
      } catch (e) {
        this.log.error({ job: job.id, err: e instanceof Error ? e.message : String(e) }, 'intake import: the job record could not be updated');
      }
      this.live.delete(job.id);
    }
  }
}
