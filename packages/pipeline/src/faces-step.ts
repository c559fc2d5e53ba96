// The `faces` step: face boxes on sampled frames of a probed video, recorded with a
// "faces-detected" ledger entry in the job's completion transaction.
import { detectFaces, faceModelName, type FaceProfile } from '@custodia/triage';
import { MediaInputError, type MediaProbe, type MediaTools } from '@custodia/media';
import { PermanentJobError, type JobHandler, type JobSpec, type Queryable, type Vault } from '@custodia/store';
import { stepKey, stepPayload } from './steps.js';

export interface FacesSettings {
  /** Detector profile (default 'standard': SSD MobileNet v1). */
  profile?: FaceProfile | undefined;
  /** Frames analysed per second of video (default 1). */
  sampleFps?: number | undefined;
}

export interface FacesStepDeps {
  vault: Vault;
  tools: MediaTools;
  actor: string;
  faces?: FacesSettings | undefined;
}

/**
 * The job that detects faces in `sha256`. Its key names the detector and the sampling rate as well
 * as ffmpeg: a new model, face-api version or setting is new work, recorded beside the old results.
 */
export function facesJob(sha256: string, tool: string, settings: FacesSettings = {}): JobSpec {
  const fps = settings.sampleFps ?? 1;
  const rate = fps === 1 ? '' : ` ${fps}/s`; // the default keeps the keys instances already hold
  return { name: 'faces', key: stepKey('faces', sha256, `${tool} ${faceModelName({ profile: settings.profile ?? 'standard' })}${rate}`), payload: { sha256 } };
}

export function createFacesStep(deps: FacesStepDeps): JobHandler {
  const { vault, tools, actor } = deps;
  const tool = tools.version;
  return async (job, ctx) => {
    const parsed = stepPayload.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError(`job ${job.id} (${job.name}) has an invalid payload: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const { sha256 } = parsed.data;
    const stored = await vault.media.probeOf(sha256);
    if (!stored || stored.status !== 'ok') throw new PermanentJobError(`blob ${sha256} has no successful probe to work from`);
    const facts = stored.facts as unknown as MediaProbe;
    let r;
    try {
      r = await detectFaces(tools, vault.blobs.localPath(sha256), {
        profile: deps.faces?.profile ?? 'standard',
        sampleFps: deps.faces?.sampleFps ?? 1,
        probe: facts,
        signal: ctx.signal,
      });
    } catch (e) {
      // A video without a usable picture: a result to show in the report, not a failure to retry.
      if (e instanceof MediaInputError) return { status: 'skipped', result: { reason: e.message, kind: e.kind } };
      throw e;
    }
    const boxes = r.detections.flatMap((d) => d.boxes.map((b) => ({ tSec: d.tSec, x: b.x, y: b.y, w: b.w, h: b.h, score: b.score })));
    return {
      status: 'success',
      result: { model: r.model, frames: r.frames, framesWithFaces: r.framesWithFaces, maxFaces: r.maxFaces, boxes: boxes.length, elapsedMs: r.elapsedMs, warning: r.warning },
      commit: async (tx: Queryable) => {
        await vault.faces.recordFaces(
          tx,
          { sha256, tool, model: r.model, sampleFps: r.sampleFps, frames: r.frames, framesWithFaces: r.framesWithFaces, maxFaces: r.maxFaces, boxes },
          actor,
        );
      },
    };
  };
}
