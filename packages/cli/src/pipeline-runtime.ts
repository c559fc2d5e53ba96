import { hostname } from 'node:os';
import { locateMediaTools, posterFrame, type MediaTools } from '@custodia/media';
import { closePipelineResources, createMediaSteps, createRedactionJobs, enabledSteps, enqueueItemPipeline, STEPS, sweepDeadWorkerTemp, type StepName } from '@custodia/pipeline';
import { createSiteBuildJobs, isProcessAlive, PgJobQueue, Worker, type Vault } from '@custodia/store';
import { VERSION } from './context.js';
import { verifierBundlePath } from './commands/export.command.js';

export interface PipelineRuntime {
  queue: PgJobQueue;
  tools: MediaTools | null;
  /** Why media processing is unavailable (ffmpeg missing), when it is. */
  unavailable: string | null;
  /** The steps this instance runs (CUSTODIA_PIPELINE_STEPS; default all). */
  steps: ReadonlySet<StepName>;
}

/**
 * Wires the media pipeline into an open vault: new items enqueue their probe in the transaction
 * that records them. Without ffmpeg the vault still works; nothing is enqueued and we say why.
 */
export async function attachPipeline(vault: Vault): Promise<PipelineRuntime> {
  const queue = new PgJobQueue(vault.db);
  const steps = enabledSteps(vault.config.pipelineSteps); // a bad name stops here, before any work
  try {
    const tools = await locateMediaTools();
    vault.repo.onItemRecorded = async (tx, item) => {
      await enqueueItemPipeline(queue, tx, item, tools.version, steps);
    };
    return { queue, tools, unavailable: null, steps };
  } catch (e) {
    return { queue, tools: null, unavailable: (e as Error).message, steps };
  }
}

export function workerId(): string {
  return `${hostname()}/${process.pid}`;
}

export async function createWorker(vault: Vault, rt: PipelineRuntime, opts: { concurrency?: number; leaseMs?: number; names?: string[] } = {}): Promise<Worker> {
  if (!rt.tools) throw new Error(rt.unavailable ?? 'ffmpeg is not available');
  await sweepDeadWorkerTemp(vault.config.home);
  // Jobs held by a worker process of this machine that no longer exists (kill -9, crash) are free now.
  const dead = (await rt.queue.lockHolders()).filter((w) => {
    const [host, pid] = w.split('/');
    return host === hostname() && Number(pid) > 0 && !isProcessAlive(Number(pid));
  });
  await rt.queue.expireLeases(dead);
  const id = workerId();
  const tools = rt.tools;
  return new Worker({
    queue: rt.queue,
    handlers: {
      ...createMediaSteps({ vault, tools: rt.tools, actor: `worker ${id}`, steps: rt.steps, faces: vault.config.faces }),
      // Redaction renders asked for in the workspace or with `custodia redaction render` (ADR 0027).
      ...createRedactionJobs({ vault, tools: rt.tools, actor: `worker ${id}` }),
      // Public site builds asked for in the workspace (ADR 0029).
      ...createSiteBuildJobs(vault, { poster: (video, out) => posterFrame(tools, video, out), verifierBundle: verifierBundlePath(), toolVersion: VERSION, actor: `worker ${id}` }),
    },
    workerId: id,
    concurrency: opts.concurrency ?? 2,
    ...(opts.leaseMs ? { leaseMs: opts.leaseMs } : {}),
    ...(opts.names ? { names: opts.names } : {}),
  });
}

/**
 * Releases what pipeline steps keep per process (the overlay step's OCR worker threads). Call once
 * the worker has stopped: idle OCR workers would otherwise hold the process open until their idle
 * timeout.
 */
export async function releasePipeline(): Promise<void> {
  await closePipelineResources();
}

export { STEPS };
