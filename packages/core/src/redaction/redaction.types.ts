import type { LedgerNote } from '../access/ledger-note.js';
import type { DetectedFace } from './face-tracks.js';
import type { RedactionRecipe } from './redaction-recipe.js';

export type RedactionStatus = 'draft' | 'rendering' | 'rendered' | 'approved' | 'rejected' | 'failed';

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
  /** Marks the version as rendering; false when it is already being rendered (or the version moved on). */
  startRender(id: number, version: number, userId: number): Promise<boolean>;
  /** Stores the output blob's row, the ledger entry and the rendered state in one transaction. */
  finishRender(id: number, version: number, out: RenderedOutput, actor: string, note: LedgerNote): Promise<Redaction>;
  failRender(id: number, version: number, reason: string, actor: string, note: LedgerNote): Promise<Redaction>;
  review(id: number, version: number, decision: 'approved' | 'rejected', userId: number, reviewNote: string, actor: string, note: LedgerNote): Promise<Redaction>;
}

/** Renders a recipe over a stored blob into a new stored blob; the source is only read. */
export interface RedactionRenderer {
  render(sourceSha256: string, recipe: RedactionRecipe, signal?: AbortSignal): Promise<RenderedOutput>;
}

/** The face detections stored for a blob (the latest run), for suggestions. */
export interface FaceDetectionsSource {
  facesOfBlob(sha256: string): Promise<{ sampleFps: number; durationSec: number | null; faces: DetectedFace[] } | null>;
}
