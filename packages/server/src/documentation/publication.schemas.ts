import type { Publication, PublishableRedaction } from '@custodia/core';
import { PUBLIC_SUMMARY_MAX, PUBLIC_TITLE_MAX } from '@custodia/core';
import { z } from 'zod';

const id = z.number().int().positive();
const sha = z.string().regex(/^[0-9a-f]{64}$/);

export const publicationMarkSchema = z.object({
  title: z.string().min(1).max(PUBLIC_TITLE_MAX).describe('the public title, written for publication'),
  summary: z.string().min(1).max(PUBLIC_SUMMARY_MAX).describe('the public summary, written for publication (never the internal description)'),
  redactionIds: z.array(id).max(50).describe('approved redactions of the incident\'s evidence to publish with it'),
  version: z.number().int().positive().optional().describe('the mark\'s version being replaced (a conflict if it changed meanwhile)'),
});

export const publicationSchema = z.object({
  incidentId: id,
  caseId: id,
  title: z.string(),
  summary: z.string(),
  redactionIds: z.array(id),
  markedBy: z.string(),
  markedAt: z.string(),
  version: z.number().int(),
});

export const publishableSchema = z.object({
  id,
  itemId: id,
  title: z.string(),
  sourceSha256: sha,
  outputSha256: sha,
  recipeSha256: sha,
  reviewedAt: z.string().nullable(),
});

export const publicationDetailSchema = z.object({
  publication: publicationSchema.nullable(),
  publishable: z.array(publishableSchema),
  canMark: z.boolean(),
  reason: z.enum(['role', 'not-verified']).nullable(),
});

export const siteBuildSchema = z.object({
  id,
  state: z.enum(['queued', 'running', 'done', 'failed']).describe('queued until a worker takes it; running; done (the zip can be downloaded) or failed (error says why; nothing was left behind)'),
  progress: z.object({ phase: z.enum(['videos', 'pages', 'zip']), done: z.number().int(), total: z.number().int() }).nullable()
    .describe('while running: redacted videos copied, pages written, then files zipped, each of its total'),
  error: z.string().nullable(),
  attempts: z.number().int().describe('claims of its job so far (a worker that died costs one)'),
  maxAttempts: z.number().int(),
  lastError: z.string().nullable().describe('why the previous attempt ended (e.g. its worker lost its lease)'),
  incidents: z.number().int().nullable(),
  videos: z.number().int().nullable(),
  builtBy: z.string().describe('who asked for it'),
  requestedAt: z.string(),
  builtAt: z.string().nullable(),
  ledgerSeq: z.number().int().nullable().describe('the site-published entry, once done'),
  zipBytes: z.number().int().nullable(),
  download: z.string().nullable().describe('the site as a zip, once done'),
  skipped: z.array(z.object({ incident: z.number(), redaction: z.number().nullable(), reason: z.string() })).describe('once done: incidents or redactions left out, and why'),
  warnings: z.array(z.string()).describe('once done: what went wrong without stopping the build (a poster that could not be taken)'),
});

export const publicationOut = (p: Publication) => ({
  incidentId: p.incidentId, caseId: p.caseId, title: p.title, summary: p.summary, redactionIds: p.redactionIds,
  markedBy: p.markedByName, markedAt: p.markedAt.toISOString(), version: p.version,
});
export const publishableOut = (r: PublishableRedaction) => ({ ...r, reviewedAt: r.reviewedAt?.toISOString() ?? null });
