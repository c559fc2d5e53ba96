// Pipeline step `overlay`: reads the DVR's burned-in clock and camera label of a probed video
// (@custodia/triage's readOverlay, Tesseract with local language data) and records the result, its
// readings and an `overlay-read` ledger entry in the job's completion transaction. A video whose
// overlay cannot be read is a result with an `unreadable` flag and its reason, not a failed job.
// A clock and label read queue the blob's `duplicates` step again: they are its clock evidence
// (ADR 0025), and the fingerprint may have been filed before the overlay was read.
import type { MediaProbe } from '@custodia/media';
import { PermanentJobError, type JobHandler, type JobSpec, type Queryable } from '@custodia/store';
import { OVERLAY_READER_REVISION, overlayReaderVersion, readOverlay, sharedOverlayOcr, type OverlayOcr } from '@custodia/triage';
import type { PipelineDeps } from './media-steps.js';
import { stepKey, stepPayload } from './steps.js';

/**
 * What reads overlays in this process, for job keys: the OCR engine, its language data (hashes) and
 * the reader's revision. Without the OCR data (a configuration error the step itself reports) the
 * reader's revision alone.
 */
export function overlayKeyTool(ocr?: OverlayOcr): string {
  try {
    return overlayReaderVersion(ocr ?? sharedOverlayOcr());
  } catch {
    return `reader ${OVERLAY_READER_REVISION}`;
  }
}

/**
 * The job that reads `sha256`'s overlay. Its key names ffmpeg and what reads (see overlayKeyTool):
 * a new reader or OCR data is new work, recorded beside the earlier result (ADR 0007, ADR 0025).
 */
export function overlayJob(sha256: string, tool: string, ocr?: OverlayOcr): JobSpec {
  return { name: 'overlay', key: stepKey('overlay', sha256, `${tool}; ${overlayKeyTool(ocr)}`), payload: { sha256 } };
}

export function createOverlayStep(deps: PipelineDeps): JobHandler {
  const { vault, tools, actor } = deps;
  return async (job, ctx) => {
    const payload = stepPayload.safeParse(job.payload);
    if (!payload.success) throw new PermanentJobError(`job ${job.id} (${job.name}) has an invalid payload: ${payload.error.issues.map((i) => i.message).join('; ')}`);
    const { sha256 } = payload.data;
    const stored = await vault.media.probeOf(sha256);
    if (!stored || stored.status !== 'ok') throw new PermanentJobError(`blob ${sha256} has no successful probe to work from`);
    const facts = stored.facts as unknown as MediaProbe;
    // Workers are made once per process and reused by every overlay job (see tesseract.engine.ts).
    const ocr = deps.ocr ?? sharedOverlayOcr();
    const r = await readOverlay(tools, vault.blobs.localPath(sha256), {
      ocr,
      durationSec: facts.durationSec,
      container: facts.container,
      fps: facts.video?.fps ?? null,
      creationTime: facts.tags?.creationTime ?? null,
      signal: ctx.signal,
    });
    // The recorder keeps one result per (blob, tool): the reader's revision is part of the tool, so
    // a new reader's result is recorded beside the old one instead of being dropped as a repeat.
    const tool = overlayReaderVersion(ocr);
    const next: JobSpec[] =
      r.startTime !== null && r.cameraLabel !== null
        ? [{ name: 'duplicates', key: `${stepKey('duplicates', sha256, tools.version)}:clock-${OVERLAY_READER_REVISION}`, payload: { sha256 } }]
        : [];
    return {
      status: 'success' as const,
      // The job row keeps a summary only; the label and readings go to the overlay tables.
      result: { startTime: r.startTime, labelled: r.cameraLabel !== null, flags: r.flags.map((f) => f.kind), elapsedMs: r.elapsedMs },
      next,
      commit: (tx: Queryable) =>
        vault.overlay.recordOverlay(
          tx,
          {
            sha256,
            tool,
            decoder: tools.version,
            startTime: r.startTime,
            cameraLabel: r.cameraLabel,
            confidence: r.confidence,
            flags: r.flags,
            readings: r.readings.map((x) => ({ atSec: x.atSec, kind: x.kind, text: x.text, time: x.time, confidence: x.confidence, region: x.region })),
          },
          actor,
        ),
    };
  };
}

/** Terminates the process's OCR workers; call where a pipeline worker stops (they would keep the process alive for a while). */
export { closeSharedOverlayOcr as closePipelineResources } from '@custodia/triage';
