import type { LedgerNote } from '../access/ledger-note.js';
import type { DetectedFace } from './face-tracks.js';
import type { RedactionRecipe } from './redaction-recipe.js';

export type RedactionStatus = 'draft' | 'queued' | 'rendering' | 'rendered' | 'approved' | 'rejected' | 'failed';

/** The queue job that renders (or rendered) the current version, as the queue sees it (ADR 0027). */
export interface RedactionRenderJob {
  jobId: number;
  state: 'queued' | 'running' | 'done' | 'failed' | 'skipped';
  /** Claims so far (a worker that died mid-render counts one) and the most allowed. */
  attempts: number;
  maxAttempts: number;
  /** Why the last attempt did not finish (a lost lease names the worker that lost it). */
  lastError: string | null;
  /** 0..1 while rendering; null before. */
  progress: number | null;
  /** When a queued job is due (after a failed attempt: its backoff). */
  runAfter: Date;
}

/** What the render job renders: key = source + recipe hash + tool, so an unchanged recipe renders once. */
export interface RedactionRenderJobSpec {
  key: string;
  payload: { sourceSha256: string; recipeSha256: string; recipe: RedactionRecipe };
}

export const REDACTION_RENDER_JOB = 'redaction-render';

/** The render job's key: source, recipe hash and tool version. */
export const redactionRenderJobKey = (sourceSha256: string, recipeSha256: string, tool: string): string => `${REDACTION_RENDER_JOB}:${sourceSha256}:${recipeSha256}:${tool}`;

/** A redaction of one item's original: its current recipe version and where that version stands. */
export interface Redaction {
  id: number;
  caseId: number;
  itemId: number;
  sourceSha256: string;
  title: string;
  recipe: RedactionRecipe;
  recipeSha256: string;
  version: number;
  status: RedactionStatus;
  failure: string | null;
  outputSha256: string | null;
  /** The render's facts (tool, duration, size, width, height); null until rendered. */
  outputFacts: Record<string, unknown> | null;
  /** The ledger entry of the render of this version (null until rendered). */
  renderLedgerSeq: number | null;
  /** The queue job of the last render request of this version (null if none). */
  renderJob: RedactionRenderJob | null;
  createdBy: number;
  createdByName: string;
  renderedBy: number | null;
  renderedByName: string | null;
  renderedAt: Date | null;
  reviewedBy: number | null;
  reviewedByName: string | null;
  reviewedAt: Date | null;
  reviewNote: string | null;
  /** Everyone who wrote a version of the recipe (none of them may approve it). */
  authors: number[];
  createdAt: Date;
  updatedAt: Date;
}

export interface RenderedOutput {
  sha256: string;
  size: number;
  /** e.g. "ffmpeg 5.1.9" */
  tool: string;
  facts: Record<string, unknown>;
}

export interface RedactionRepo {
  redactionsOfItem(itemId: number): Promise<Redaction[]>;
  redaction(id: number): Promise<Redaction | null>;
  create(r: { caseId: number; itemId: number; sourceSha256: string; title: string; recipe: RedactionRecipe; recipeSha256: string }, userId: number, actor: string, note: (id: number) => LedgerNote): Promise<Redaction>;
  /** Writes version `expectedVersion + 1` back to draft (output and review cleared); conflict when someone else wrote meanwhile. */
  writeVersion(id: number, expectedVersion: number, r: { title: string; recipe: RedactionRecipe; recipeSha256: string }, userId: number, actor: string, note: LedgerNote): Promise<Redaction>;
  /**
   * Queues the render of `version` (its job enqueued in the same transaction, or the existing job of
   * the same key reused: re-queued if it failed; if it already rendered this recipe and its output is
   * stored, the version is marked rendered at once with the ledger entry `reused` gives). Leaves a
   * version already queued or rendering as it is.
   */
  queueRender(id: number, version: number, userId: number, job: RedactionRenderJobSpec, actor: string, reused: (out: RenderedOutput) => LedgerNote): Promise<Redaction>;
  review(id: number, version: number, decision: 'approved' | 'rejected', userId: number, reviewNote: string, actor: string, note: LedgerNote): Promise<Redaction>;
}

/** Renders a recipe over a stored blob into a new stored blob; the source is only read. */
export interface RedactionRenderer {
  render(sourceSha256: string, recipe: RedactionRecipe, signal?: AbortSignal, onProgress?: (fraction: number) => void): Promise<RenderedOutput>;
}

/** The face detections stored for a blob (the latest run), for suggestions. */
export interface FaceDetectionsSource {
  facesOfBlob(sha256: string): Promise<{ sampleFps: number; durationSec: number | null; faces: DetectedFace[] } | null>;
}
