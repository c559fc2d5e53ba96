import { randomBytes } from 'node:crypto';
import { conflict, notFound } from '@custodia/core';
import { importSubmission, ledgerIntakeDeletions, type ImportResult, type PulledSubmission } from '@custodia/intake';
import type { Vault } from '@custodia/store';
import type { Logger } from 'pino';
import type { IntakeLink } from './intake-link.js';

export interface IntakeImportJob {
  id: string;
  submissionId: string;
  caseId: number;
  caseName: string;
  /** Who started it (the ledger's actor of the acquisition). */
  actor: string;
  state: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  /** Files and plaintext bytes of the batch being ingested: planned and done so far. */
  progress: { batches: number; files: number; bytes: number; plannedFiles: number; plannedBytes: number };
  result: ImportResult | null;
  error: string | null;
}

/**
 * Imports started from the web app, run in this process one submission at a time. The staff
 * member's unlocked identity is given to the job alone: held in the job's closure while it runs,
 * never written anywhere and not kept on the job record (ADR 0022). Jobs are remembered in memory
 * only; what an import did is in the ledger and on the intake (batches marked imported).
 */
export class IntakeImportJobs {
  private readonly jobs = new Map<string, IntakeImportJob>();

  constructor(
    private readonly link: IntakeLink,
    private readonly vault: Vault,
    private readonly log: Logger,
  ) {}

  get(id: string): IntakeImportJob {
    const j = this.jobs.get(id);
    if (!j) throw notFound(`no import job ${id} (jobs are kept until the server restarts)`);
    return j;
  }

  list(): IntakeImportJob[] {
    return [...this.jobs.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  start(sub: PulledSubmission, identity: string, target: { caseId: number; caseName: string }, actor: string, again: boolean): IntakeImportJob {
    const running = [...this.jobs.values()].find((j) => j.submissionId === sub.id && j.state === 'running');
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
    this.jobs.set(job.id, job);
    void this.run(job, sub, identity, again);
    return job;
  }

  private async run(job: IntakeImportJob, sub: PulledSubmission, identity: string, again: boolean): Promise<void> {
    const ids = [identity];
    try {
      job.result = await importSubmission(sub, {
        pull: this.link.pull,
        identities: ids,
        ingest: this.link.ingestBatch({
          caseName: job.caseName,
          actor: job.actor,
          again,
          // Counts only: the source's paths are not kept on the job.
          progress: {
            planned: (t) => Object.assign(job.progress, { batches: job.progress.batches + 1, files: 0, bytes: 0, plannedFiles: t.files, plannedBytes: t.bytes }),
            fileStarted: () => undefined,
            bytes: (n) => void (job.progress.bytes += n),
            fileDone: () => void (job.progress.files += 1),
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
      ids.length = 0;
      job.finishedAt = new Date().toISOString();
    }
  }
}
