import { recipeSchema, redactionBoxSchema, type Redaction } from '@custodia/core';
import { z } from 'zod';

const id = z.number().int().positive();
const sha = z.string().regex(/^[0-9a-f]{64}$/);
const when = z.string().nullable();

export const newRedactionSchema = z.object({ title: z.string().max(300).optional(), recipe: recipeSchema }).strict();
export const redactionChangeSchema = z
  .object({ title: z.string().max(300).optional(), recipe: recipeSchema.optional(), version: z.number().int().positive().optional() })
  .strict();
export const renderSchema = z.object({ version: z.number().int().positive().optional() }).strict();
export const reviewSchema = z.object({ note: z.string().max(2000).optional(), version: z.number().int().positive().optional() }).strict();

export const redactionSchema = z.object({
  id,
  caseId: id,
  itemId: id,
  sourceSha256: sha,
  title: z.string(),
  recipe: recipeSchema,
  recipeSha256: sha,
  version: z.number().int(),
  status: z.enum(['draft', 'queued', 'rendering', 'rendered', 'approved', 'rejected', 'failed']),
  failure: z.string().nullable(),
  outputSha256: sha.nullable(),
  outputFacts: z.record(z.string(), z.unknown()).nullable(),
  /** The ledger entry of this version's render: what publication cites. */
  renderLedgerSeq: z.number().int().nullable(),
  /** The queue job of the last render request: its state, attempts (a worker that died counts one), last error and progress. */
  renderJob: z
    .object({
      jobId: id,
      state: z.enum(['queued', 'running', 'done', 'failed', 'skipped']),
      attempts: z.number().int(),
      maxAttempts: z.number().int(),
      lastError: z.string().nullable(),
      progress: z.number().min(0).max(1).nullable(),
      runAfter: z.string(),
    })
    .nullable(),
  createdBy: z.string(),
  renderedBy: z.string().nullable(),
  renderedAt: when,
  reviewedBy: z.string().nullable(),
  reviewedAt: when,
  reviewNote: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** What the caller may do now. */
  can: z.object({ edit: z.boolean(), render: z.boolean(), review: z.boolean() }),
});

export const suggestionsSchema = z.object({
  boxes: z.array(redactionBoxSchema),
  detections: z.number().int(),
  sampleFps: z.number().nullable(),
  /** The burned-in clock and label regions (fractions of the frame) kept visible when keepOverlay is on. */
  overlayRegions: z.array(z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() })),
});

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

export const redactionOut = (r: Redaction, can: { edit: boolean; render: boolean; review: boolean }) => ({
  id: r.id,
  caseId: r.caseId,
  itemId: r.itemId,
  sourceSha256: r.sourceSha256,
  title: r.title,
  recipe: r.recipe,
  recipeSha256: r.recipeSha256,
  version: r.version,
  status: r.status,
  failure: r.failure,
  outputSha256: r.outputSha256,
  outputFacts: r.outputFacts,
  renderLedgerSeq: r.renderLedgerSeq,
  renderJob: r.renderJob ? { ...r.renderJob, runAfter: new Date(r.renderJob.runAfter).toISOString() } : null,
  createdBy: r.createdByName,
  renderedBy: r.renderedByName,
  renderedAt: iso(r.renderedAt),
  reviewedBy: r.reviewedByName,
  reviewedAt: iso(r.reviewedAt),
  reviewNote: r.reviewNote,
  createdAt: new Date(r.createdAt).toISOString(),
  updatedAt: new Date(r.updatedAt).toISOString(),
  can,
});
