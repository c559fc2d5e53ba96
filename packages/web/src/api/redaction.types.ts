// Redactions (ADR 0017) as the browser sees them.
import type { Id } from '../api-types.js';

/** Redaction recipe (custodia-redaction/1): boxes are fractions of the frame, times are seconds of the source. */
export interface RedactionKeyframe {
  t: number;
  x: number;
  y: number;
  w: number;
  h: number;
}
export type RedactionEffect = 'blur' | 'pixelate' | 'fill';
export interface RedactionBox {
  id: string;
  label: string;
  effect: RedactionEffect;
  colour: string;
  keyframes: RedactionKeyframe[];
}
export interface RedactionRecipe {
  format: 'custodia-redaction/1';
  boxes: RedactionBox[];
  audio: { mute: { start: number; end: number }[]; bleep: boolean };
  clip: { start: number; end: number } | null;
  keepOverlay: boolean;
}
export type RedactionStatus = 'draft' | 'queued' | 'rendering' | 'rendered' | 'approved' | 'rejected' | 'failed';
/** The queue job rendering the current version (ADR 0027): the studio polls while it is queued or running. */
export interface RedactionRenderJob {
  jobId: Id;
  state: 'queued' | 'running' | 'done' | 'failed' | 'skipped';
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  progress: number | null;
  runAfter: string;
}
export interface Redaction {
  id: Id;
  caseId: Id;
  itemId: Id;
  sourceSha256: string;
  title: string;
  recipe: RedactionRecipe;
  recipeSha256: string;
  version: number;
  status: RedactionStatus;
  failure: string | null;
  outputSha256: string | null;
  outputFacts: Record<string, unknown> | null;
  renderLedgerSeq: number | null;
  renderJob: RedactionRenderJob | null;
  createdBy: string;
  renderedBy: string | null;
  renderedAt: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
  createdAt: string;
  updatedAt: string;
  can: { edit: boolean; render: boolean; review: boolean };
}
export interface RedactionSuggestions {
  boxes: RedactionBox[];
  detections: number;
  sampleFps: number | null;
  overlayRegions: { x: number; y: number; w: number; h: number }[];
}
