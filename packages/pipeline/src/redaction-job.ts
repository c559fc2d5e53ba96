// The redaction render job (ADR 0027): a worker renders a recipe over its source blob and, in the
// transaction that completes the job, records the output for every redaction version waiting for
// it. A render that fails (bad clip, ffmpeg error, no probe yet) fails those versions with the
// reason and its ledger entry, and the job fails for good: asking again re-queues it. A worker that
// dies mid-render loses its lease; the queue gives the job to the next worker (ADR 0005).
import { z } from 'zod';
import { normaliseRecipe, recipeSha256, redactionNote, REDACTION_RENDER_JOB, type RenderedOutput } from '@custodia/core';
import type { MediaTools } from '@custodia/media';
import { PermanentJobError, PgRedactionRepo, type JobHandler, type Vault } from '@custodia/store';
import { createRedactionRenderer } from './redaction-renderer.js';

const payloadSchema = z.object({
  sourceSha256: z.string().regex(/^[0-9a-f]{64}$/),
  recipeSha256: z.string().regex(/^[0-9a-f]{64}$/),
  recipe: z.unknown(),
});

/** Progress is written at most this often (one UPDATE each). */
const PROGRESS_EVERY_MS = 2000;

export interface RedactionJobDeps {
  vault: Vault;
  tools: MediaTools;
  /** The worker's name, kept in the ledger entries' details, e.g. "worker vault-1/4242". */
  actor: string;
}

/** The handlers of the redaction jobs, to merge into a worker's handlers. */
export function createRedactionJobs(deps: RedactionJobDeps): Record<typeof REDACTION_RENDER_JOB, JobHandler> {
  const { vault, tools, actor } = deps;
  const repo = new PgRedactionRepo(vault.db, vault.ledger);
  const renderer = createRedactionRenderer(vault, tools);
  return {
    async [REDACTION_RENDER_JOB](job, ctx) {
      const p = payloadSchema.safeParse(job.payload);
      if (!p.success) throw new PermanentJobError(`job ${job.id}: the payload is not a redaction render (${p.error.issues[0]?.message ?? 'invalid'})`);
      const recipe = normaliseRecipe(p.data.recipe);
      if (recipeSha256(recipe) !== p.data.recipeSha256) throw new PermanentJobError(`job ${job.id}: the recipe does not hash to ${p.data.recipeSha256}`);
      const waiting = await repo.renderStarted(job.id);
      let last = 0;
      let writing: Promise<void> = Promise.resolve();
      const onProgress = (f: number) => {
        const now = Date.now();
        if (now - last < PROGRESS_EVERY_MS || waiting === 0) return;
        last = now;
        writing = writing.then(() => repo.renderProgress(job.id, f)).catch(() => {});
      };
      let out: RenderedOutput;
      try {
        out = await renderer.render(p.data.sourceSha256, recipe, ctx.signal, onProgress);
      } catch (err) {
        await writing;
        // Lost the lease (another worker has the job now) or stopping: record nothing.
        if (ctx.signal.aborted) throw err;
        const reason = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
        await repo.failRenderJob(job.id, reason, (r) => ({
          actor: `user:${r.renderedByName ?? r.createdByName}`,
          ...redactionNote('redaction-render-failed', r, { user: r.renderedByName, reason, worker: actor }),
        }));
        throw new PermanentJobError(reason);
      }
      await writing;
      return {
        status: 'success',
        result: { output: out },
        commit: async (tx) => {
          await repo.finishRenderJob(tx, job.id, out, (r) => ({
            actor: `user:${r.renderedByName ?? r.createdByName}`,
            ...redactionNote('redaction-rendered', r, { user: r.renderedByName, output: out.sha256, size: out.size, tool: out.tool, worker: actor, job: job.id, attempt: job.attempts }, out.sha256),
          }));
        },
      };
    },
  };
}
