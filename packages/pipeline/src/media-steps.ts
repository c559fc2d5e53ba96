import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { probe, renderProxy, renderThumbnails, salvage, type MediaProbe, type MediaTools } from '@custodia/media';
import { detectActivity, type OverlayOcr } from '@custodia/triage';
import { isProcessAlive, PermanentJobError, type Job, type JobHandler, type JobSpec, type Queryable, type Vault } from '@custodia/store';
import { createOverlayStep, overlayJob } from './overlay-step.js';
import { stepKey, stepPayload, type StepName } from './steps.js';
import { createFacesStep, facesJob, type FacesSettings } from './faces-step.js';
import { createFingerprintSteps } from './fingerprint-step.js';
import { activityJob, activityTool, PIPELINE_ACTIVITY_MODE } from './activity-job.js';

export interface PipelineDeps {
  vault: Vault;
  tools: MediaTools;
  /** Who acts in the ledger, e.g. "worker vault-1/4242". */
  actor: string;
  /** OCR workers for the overlay step. Default: the process's shared ones (closeSharedOverlayOcr). */
  ocr?: OverlayOcr;
  /** The steps this instance runs (enabledSteps); a handler's follow-up jobs for others are not queued. Default all. */
  steps?: ReadonlySet<StepName>;
  /** The faces step's profile and sampling rate (CUSTODIA_FACES_PROFILE, CUSTODIA_FACES_FPS). */
  faces?: FacesSettings | undefined;
}

/** Removes the render folders of workers that died mid-job (kill -9, power loss). */
export async function sweepDeadWorkerTemp(home: string): Promise<number> {
  const root = join(home, 'tmp');
  let removed = 0;
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const pid = Number(/^job-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || isProcessAlive(pid)) continue;
    await rm(join(root, name), { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}

/** A malformed payload will not get better by retrying. */
function payloadOf(job: Job) {
  const r = stepPayload.safeParse(job.payload);
  if (!r.success) throw new PermanentJobError(`job ${job.id} (${job.name}) has an invalid payload: ${r.error.issues.map((i) => i.message).join('; ')}`);
  return r.data;
}

const next = (step: StepName, sha256: string, tool: string): JobSpec => ({
  name: step,
  key: stepKey(step, sha256, tool),
  payload: { sha256 },
});

/**
 * The media pipeline's job handlers. Each reads an original (or a derivative) from the blob store,
 * writes what it makes as new blobs, and records the result and its ledger entry in the job's
 * completion transaction: a crash before that commit leaves nothing recorded, and the job runs again.
 */
export function createMediaSteps(deps: PipelineDeps): Record<StepName, JobHandler> {
  const handlers = createAllSteps(deps);
  const steps = deps.steps;
  if (!steps) return handlers;
  // Every handler stays registered (jobs queued earlier still run); only what follows is filtered.
  const filtered = {} as Record<StepName, JobHandler>;
  for (const [name, h] of Object.entries(handlers) as [StepName, JobHandler][]) {
    filtered[name] = async (job, ctx) => {
      const r = await h(job, ctx);
      return r.next ? { ...r, next: r.next.filter((n) => steps.has(n.name as StepName)) } : r;
    };
  }
  return filtered;
}

function createAllSteps(deps: PipelineDeps): Record<StepName, JobHandler> {
  const { vault, tools, actor } = deps;
  const tool = tools.version;
  const tmpRoot = join(vault.config.home, 'tmp');

  const withTmp = async <T>(fn: (dir: string) => Promise<T>): Promise<T> => {
    await mkdir(tmpRoot, { recursive: true, mode: 0o700 });
    const dir = await mkdtemp(join(tmpRoot, `job-${process.pid}-`));
    try {
      return await fn(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  const storeFile = (path: string) => vault.blobs.put(createReadStream(path, { highWaterMark: 1 << 20 }));
  const probeFacts = async (sha256: string): Promise<MediaProbe> => {
    const p = await vault.media.probeOf(sha256);
    if (!p || p.status !== 'ok') throw new PermanentJobError(`blob ${sha256} has no successful probe to work from`);
    return p.facts as unknown as MediaProbe;
  };

  return {
    overlay: createOverlayStep(deps),
    faces: createFacesStep(deps),

    ...createFingerprintSteps(deps),
    async probe(job, ctx) {
      const { sha256 } = payloadOf(job);
      const facts = await probe(tools, vault.blobs.localPath(sha256), { signal: ctx.signal });
      const following: JobSpec[] = [];
      if (facts.status === 'ok' && facts.video) {
        following.push(
          next('proxy', sha256, tool),
          next('thumbnails', sha256, tool),
          activityJob(sha256, tool),
          next('fingerprint', sha256, tool),
          overlayJob(sha256, tool, deps.ocr),
          facesJob(sha256, tool, deps.faces),
        );
      }
      else if (facts.status === 'ok' && facts.audio) following.push(next('proxy', sha256, tool)); // an AAC-only MP4 to listen to
      if (facts.status === 'failed' && facts.failure?.kind === 'truncated') following.push(next('salvage', sha256, tool));
      return {
        status: 'success',
        result: { status: facts.status, failure: facts.failure?.kind ?? null },
        next: following,
        commit: (tx: Queryable) =>
          vault.media.recordProbe(
            tx,
            {
              sha256,
              tool,
              status: facts.status,
              failureKind: facts.failure?.kind ?? null,
              failureMessage: facts.failure ? `${facts.failure.message}${facts.failure.tool ? ` — ffmpeg: ${facts.failure.tool}` : ''}` : null,
              facts: facts as unknown as Record<string, unknown>,
            },
            actor,
          ),
      };
    },

    async proxy(job, ctx) {
      const { sha256 } = payloadOf(job);
      const facts = await probeFacts(sha256);
      return withTmp(async (dir) => {
        const out = join(dir, 'proxy.mp4');
        const r = await renderProxy(tools, vault.blobs.localPath(sha256), out, { probe: facts, signal: ctx.signal });
        const put = await storeFile(out);
        return {
          status: 'success' as const,
          result: { sha256: put.sha256, width: r.width, height: r.height, durationSec: r.durationSec },
          commit: (tx: Queryable) =>
            vault.media.recordDerivative(
              tx,
              { sha256: put.sha256, size: put.size, sourceSha256: sha256, kind: 'proxy', tool, recipe: { args: r.args, width: r.width, height: r.height, durationSec: r.durationSec, hasAudio: r.hasAudio } },
              actor,
            ),
        };
      });
    },

    async thumbnails(job, ctx) {
      const { sha256 } = payloadOf(job);
      const facts = await probeFacts(sha256);
      return withTmp(async (dir) => {
        const r = await renderThumbnails(tools, vault.blobs.localPath(sha256), dir, { probe: facts, signal: ctx.signal });
        const poster = await storeFile(r.poster);
        const strip = await storeFile(r.filmstrip);
        const layout = { tiles: r.tiles, tileWidth: r.tileWidth, tileHeight: r.tileHeight, columns: r.columns };
        return {
          status: 'success' as const,
          result: { poster: poster.sha256, filmstrip: strip.sha256 },
          commit: async (tx: Queryable) => {
            await vault.media.recordDerivative(tx, { sha256: poster.sha256, size: poster.size, sourceSha256: sha256, kind: 'poster', tool, recipe: {} }, actor);
            await vault.media.recordDerivative(tx, { sha256: strip.sha256, size: strip.size, sourceSha256: sha256, kind: 'filmstrip', tool, recipe: layout }, actor);
          },
        };
      });
    },

    async activity(job, ctx) {
      const { sha256 } = payloadOf(job);
      const facts = await probeFacts(sha256);
      const r = await detectActivity(tools, vault.blobs.localPath(sha256), {
        mode: PIPELINE_ACTIVITY_MODE,
        ...(facts.durationSec ? { durationSec: facts.durationSec } : {}),
        signal: ctx.signal,
      });
      return {
        status: 'success' as const,
        result: { segments: r.segments.length, decodedSeconds: r.decodedSeconds, elapsedMs: r.elapsedMs },
        commit: (tx: Queryable) =>
          vault.triage.recordActivity(
            tx,
            {
              sha256,
              mode: r.mode,
              tool: activityTool(tool, r.mode),
              fps: r.fps,
              width: r.width,
              height: r.height,
              curve: r.curve,
              masked: r.masked,
              decodedSeconds: r.decodedSeconds,
              segments: r.segments.map((s) => ({ startSec: s.startSec, endSec: s.endSec, score: s.score, peak: s.peak })),
            },
            actor,
          ),
      };
    },

    async salvage(job, ctx) {
      const { sha256 } = payloadOf(job);
      const stored = await vault.media.probeOf(sha256);
      const reference = await vault.media.salvageReference(sha256);
      if (!reference && (await vault.media.pendingProbesInCase(sha256)) > 0) {
        // A healthy recording from the same camera may still be probed: try again after it.
        throw new Error('waiting for the other files of the case to be probed (one may serve as a salvage reference)');
      }
      return withTmp(async (dir) => {
        const out = join(dir, 'salvaged.mp4');
        const r = await salvage(tools, vault.blobs.localPath(sha256), out, {
          probe: (stored?.facts ?? {}) as unknown as MediaProbe,
          ...(reference ? { reference: vault.blobs.localPath(reference) } : {}),
          signal: ctx.signal,
        });
        if (!r.ok) {
          // Nothing could be recovered: a result, visible in the report, not a job failure.
          return { status: 'skipped' as const, result: { ok: false, reason: r.reason } };
        }
        const put = await storeFile(out);
        return {
          status: 'success' as const,
          result: { ok: true, sha256: put.sha256, method: r.method, recoveredSec: r.recoveredSec },
          next: [next('probe', put.sha256, tool)],
          commit: (tx: Queryable) =>
            vault.media.recordDerivative(
              tx,
              {
                sha256: put.sha256,
                size: put.size,
                sourceSha256: sha256,
                kind: 'salvage',
                tool,
                recipe: { method: r.method, recoveredSec: r.recoveredSec, reference: reference ?? null, salvaged: true },
              },
              actor,
            ),
        };
      });
    },
  };
}
