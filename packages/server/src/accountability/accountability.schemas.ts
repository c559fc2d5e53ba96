import { z } from 'zod';
import { EVENT_STATUSES, OUTCOMES, PROCEEDING_TYPES, SOURCE_KINDS, type Claim, type Outcome, type Proceeding } from '@custodia/core';
import { personSchema } from '../documentation/documentation.schemas.js';

const id = z.number().int().positive();
const partialDate = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'a date as YYYY, YYYY-MM or YYYY-MM-DD').nullable();
const optText = (max: number) => z.string().trim().min(1).max(max).nullable();

export const proceedingTypeSchema = z.enum(PROCEEDING_TYPES);
export const eventStatusSchema = z.enum(EVENT_STATUSES);
export const confidenceSchema = z.enum(['low', 'medium', 'high']);

const proceedingContent = {
  type: proceedingTypeSchema,
  title: z.string().trim().min(1).max(300),
  subjectIds: z.array(id).max(500).default([]),
  unnamedSubjects: z.number().int().min(0).max(100000).default(0),
  authority: optText(300).default(null),
  legalArticle: optText(300).default(null),
  facilityId: id.nullable().default(null),
  sourceExposure: z.boolean().default(false),
};
export const newProceedingSchema = z.object(proceedingContent);
export const proceedingChangeSchema = z.object({
  type: proceedingTypeSchema.optional(),
  title: z.string().trim().min(1).max(300).optional(),
  subjectIds: z.array(id).max(500).optional(),
  unnamedSubjects: z.number().int().min(0).max(100000).optional(),
  authority: optText(300).optional(),
  legalArticle: optText(300).optional(),
  facilityId: id.nullable().optional(),
  sourceExposure: z.boolean().optional(),
  version: z.number().int().positive().optional(),
});
export const proceedingSchema = z.object({
  id,
  caseId: id,
  type: proceedingTypeSchema,
  title: z.string(),
  subjectIds: z.array(id),
  unnamedSubjects: z.number().int(),
  authority: z.string().nullable(),
  legalArticle: z.string().nullable(),
  facilityId: id.nullable(),
  sourceExposure: z.boolean(),
  version: z.number().int(),
  latestStatus: eventStatusSchema.nullable(),
  latestOn: z.string().nullable(),
  outcome: z.enum(OUTCOMES),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const newEventSchema = z.object({ on: partialDate.default(null), status: eventStatusSchema, summary: z.string().trim().min(1).max(5000) });
export const eventChangeSchema = z.object({
  on: partialDate.optional(),
  status: eventStatusSchema.optional(),
  summary: z.string().trim().min(1).max(5000).optional(),
  version: z.number().int().positive().optional(),
});
export const claimSchema = z.object({
  id,
  sourceId: id,
  quote: z.string(),
  confidence: confidenceSchema,
  eventId: id.nullable(),
  personId: id.nullable(),
  position: z.object({ facilityId: id.nullable(), title: z.string(), from: z.string().nullable(), to: z.string().nullable(), unit: z.string().nullable().optional(), rank: z.string().nullable().optional() }).nullable(),
  createdAt: z.string(),
  version: z.number().int(),
  withdrawnAt: z.string().nullable(),
});
export const eventSchema = z.object({ id, proceedingId: id, on: z.string().nullable(), status: eventStatusSchema, summary: z.string(), version: z.number().int(), claims: z.array(claimSchema) });
export const newClaimSchema = z.object({ sourceId: id, quote: z.string().trim().min(1).max(5000), confidence: confidenceSchema });
export const newPositionClaimSchema = newClaimSchema.extend({ positionIndex: z.number().int().min(0) });

const sourceContent = {
  kind: z.enum(SOURCE_KINDS),
  title: z.string().trim().min(1).max(500),
  publisher: optText(300).default(null),
  url: z.string().trim().url().max(2000).nullable().default(null),
  publishedOn: partialDate.default(null),
  retrievedAt: z.iso.datetime({ offset: true }).nullable().default(null),
  itemId: id.nullable().default(null),
};
export const newSourceSchema = z.object(sourceContent);
export const sourceChangeSchema = z.object({
  kind: z.enum(SOURCE_KINDS).optional(),
  title: z.string().trim().min(1).max(500).optional(),
  publisher: optText(300).optional(),
  url: z.string().trim().url().max(2000).nullable().optional(),
  publishedOn: partialDate.optional(),
  retrievedAt: z.iso.datetime({ offset: true }).nullable().optional(),
  itemId: id.nullable().optional(),
  version: z.number().int().positive().optional(),
});
export const sourceSchema = z.object({
  id,
  caseId: id,
  kind: z.enum(SOURCE_KINDS),
  title: z.string(),
  publisher: z.string().nullable(),
  url: z.string().nullable(),
  publishedOn: z.string().nullable(),
  retrievedAt: z.string().nullable(),
  itemId: id.nullable(),
  sha256: z.string().nullable(),
  version: z.number().int(),
});

export const linkSchema = z.object({ id, proceedingId: id, incidentId: id.nullable(), incidentTitle: z.string().nullable(), itemId: id.nullable(), startSec: z.number().nullable(), endSec: z.number().nullable() });
export const newLinkSchema = z.union([
  z.object({ incidentId: id }),
  z.object({ itemId: id, startSec: z.number().finite().min(0).nullable().default(null), endSec: z.number().finite().min(0).nullable().default(null) }),
]);

export const proceedingDetailSchema = z.object({
  proceeding: proceedingSchema,
  events: z.array(eventSchema),
  sources: z.array(sourceSchema),
  links: z.array(linkSchema),
  canEdit: z.boolean(),
});

export const proceedingQuerySchema = z.object({
  type: proceedingTypeSchema.optional(),
  status: eventStatusSchema.optional(),
  personId: z.coerce.number().int().positive().optional(),
  facilityId: z.coerce.number().int().positive().optional(),
  q: z.string().max(200).optional(),
});

const outcomeCount = z.object({ outcome: z.enum(OUTCOMES), proceedings: z.number().int(), namedSubjects: z.number().int(), unnamedSubjects: z.number().int() });
export const dashboardSchema = z.object({
  caseId: id,
  facilityId: id.nullable(),
  label: z.string().nullable(),
  counts: z.array(outcomeCount),
  timeline: z.array(
    z.object({ on: z.string().nullable(), status: eventStatusSchema, summary: z.string(), eventId: id, proceedingId: id, proceedingTitle: z.string(), type: proceedingTypeSchema, outcome: z.enum(OUTCOMES) }),
  ),
  incidents: z.array(z.object({ outcome: z.enum(OUTCOMES), incidents: z.array(z.object({ id, title: z.string() })) })),
});

export const searchSchema = z.object({ persons: z.array(personSchema), proceedings: z.array(proceedingSchema) });

export const claimOut = (c: Claim) => ({ ...c, createdAt: new Date(c.createdAt).toISOString(), withdrawnAt: c.withdrawnAt ? new Date(c.withdrawnAt).toISOString() : null });
export const claimChangeSchema = z.object({ sourceId: id.optional(), quote: z.string().trim().min(1).max(5000).optional(), confidence: confidenceSchema.optional(), version: z.number().int().positive().optional() });
export const claimWithdrawSchema = z.object({ reason: z.string().trim().max(1000).nullable().default(null), version: z.number().int().positive().optional() });
export const claimVersionSchema = z.object({ claimId: id, version: z.number().int(), quote: z.string(), confidence: confidenceSchema, sourceId: id, withdrawn: z.boolean(), writtenBy: id, writtenAt: z.string() });
export const proceedingOut = (p: Proceeding & { outcome: Outcome }) => ({ ...p, createdAt: new Date(p.createdAt).toISOString(), updatedAt: new Date(p.updatedAt).toISOString() });
