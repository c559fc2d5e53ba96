import { z } from 'zod';
import { invalid } from '@custodia/core';

/** The pipeline's steps, in the order one blob goes through them. */
export const STEPS = ['probe', 'salvage', 'proxy', 'thumbnails', 'activity', 'fingerprint', 'duplicates', 'overlay', 'faces'] as const;
export type StepName = (typeof STEPS)[number];

/** Every step's payload: the blob it works on. Validated on the way in (job payloads are data). */
export const stepPayload = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export type StepPayload = z.infer<typeof stepPayload>;

/**
 * A job's key: step, blob and tool version. Enqueuing the same key twice does nothing, so re-running
 * ingest or the pipeline is idempotent, and a new ffmpeg version processes everything again.
 */
export function stepKey(step: StepName, sha256: string, tool: string): string {
  return `${step}:${sha256}:${tool}`;
}

const MEDIA_NAME = /\.(mp4|m4v|mov|3gp|avi|mkv|webm|ts|m2ts|mts|mpg|mpeg|vob|flv|wmv|asf|h264|264|h265|265|hevc|dav|mjpeg|mjpg|jpg|jpeg|png|m4a|mp3|wav|aac)$/i;

/**
 * Whether to probe: anything that might be media, and anything named like media whatever its bytes
 * look like (a mislabelled or damaged file then gets ffmpeg's precise verdict in the report).
 */
export function wantsProbe(kind: string, path = ''): boolean {
  return kind === 'video' || kind === 'audio' || kind === 'image' || kind === 'other' || MEDIA_NAME.test(path);
}

/**
 * The steps an instance runs: the probe always (everything follows from it), and the chosen ones
 * (`CUSTODIA_PIPELINE_STEPS`) or all. An unknown name is a configuration error, not a silent skip.
 */
export function enabledSteps(chosen: string[] | undefined): ReadonlySet<StepName> {
  if (!chosen || chosen.length === 0) return new Set(STEPS);
  const unknown = chosen.filter((s) => !(STEPS as readonly string[]).includes(s));
  if (unknown.length) {
    throw invalid(`CUSTODIA_PIPELINE_STEPS: unknown step${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (steps: ${STEPS.join(', ')})`);
  }
  return new Set<StepName>(['probe', ...(chosen as StepName[])]);
}
