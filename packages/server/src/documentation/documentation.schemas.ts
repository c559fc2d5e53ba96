import { z } from 'zod';
import type { Annotation, AnnotationVersion, EvidenceSegment, Incident, Review, SavedView } from '@custodia/core';

const id = z.number().int().positive();
const ids = z.array(id).max(500);
const seconds = z.number().finite().min(0);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const instant = z.iso.datetime({ offset: true });

export const labelsSchema = z
  .object({ en: z.string().trim().min(1).max(200), ru: z.string().trim().min(1).max(200) })
  .catchall(z.string().trim().min(1).max(200));
export const termKindSchema = z.enum(['ill-treatment', 'facility-type']);
export const termSchema = z.object({
  id,
  kind: termKindSchema,
  key: z.string(),
  labels: labelsSchema,
  parentId: id.nullable(),
  builtIn: z.boolean(),
  archived: z.boolean(),
});
export const newTermSchema = z.object({
  kind: termKindSchema,
  key: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by dashes').max(80),
  labels: labelsSchema,
  parentId: id.nullable().default(null),
});
export const termChangeSchema = z.object({ labels: labelsSchema.optional(), parentId: id.nullable().optional(), archived: z.boolean().optional() });

export const facilityKindSchema = z.enum(['region', 'facility', 'unit', 'camera']);
export const facilitySchema = z.object({
  id,
  kind: facilityKindSchema,
  name: z.string(),
  parentId: id.nullable(),
  facilityTypeTermId: id.nullable(),
  overlayLabel: z.string().nullable(),
  /** Archived: hidden from the pickers of new documentation, still named where it is cited. */
  archived: z.boolean(),
});
export const newFacilitySchema = z.object({
  kind: facilityKindSchema,
  name: z.string().trim().min(1).max(300),
  parentId: id.nullable().default(null),
  facilityTypeTermId: id.nullable().default(null),
  overlayLabel: z.string().trim().min(1).max(300).nullable().default(null),
});
export const facilityChangeSchema = z.object({
  name: z.string().trim().min(1).max(300).optional(),
  parentId: id.nullable().optional(),
  facilityTypeTermId: id.nullable().optional(),
  overlayLabel: z.string().trim().min(1).max(300).nullable().optional(),
});

export const personRoleSchema = z.enum(['victim', 'perpetrator', 'official', 'witness', 'other']);
export const identitySchema = z.object({
  realName: z.string().trim().max(300).nullable().default(null),
  birthDate: z.string().trim().max(40).nullable().default(null),
  notes: z.string().trim().max(5000).nullable().default(null),
});
export const positionSchema = z.object({
  facilityId: id.nullable().default(null),
  title: z.string().trim().min(1).max(300),
  from: isoDate.nullable().default(null),
  to: isoDate.nullable().default(null),
  unit: z.string().trim().min(1).max(300).nullable().optional(),
  rank: z.string().trim().min(1).max(300).nullable().optional(),
});
/** `protected` is in the schema but only ever filled for members with the protected-identities grant. */
export const personSchema = z.object({
  id,
  caseId: id,
  role: personRoleSchema,
  pseudonym: z.string(),
  positions: z.array(positionSchema),
  createdBy: id,
  version: z.number().int(),
  /** Only members with the source-identity grant ever receive a person who is the source. */
  isSource: z.boolean(),
  protected: identitySchema.optional(),
});
export const newPersonSchema = z.object({
  role: personRoleSchema,
  pseudonym: z.string().trim().min(1).max(200),
  positions: z.array(positionSchema).max(100).default([]),
  protected: identitySchema.optional(),
  /** The case's source: needs the source-identity grant. */
  isSource: z.boolean().optional(),
});
export const personChangeSchema = z.object({
  role: personRoleSchema.optional(),
  pseudonym: z.string().trim().min(1).max(200).optional(),
  positions: z.array(positionSchema).max(100).optional(),
  protected: identitySchema.nullable().optional(),
  version: z.number().int().positive().optional(),
});

const annotationContent = {
  startSec: seconds,
  endSec: seconds,
  termIds: ids.default([]),
  personIds: ids.default([]),
  incidentId: id.nullable().default(null),
  note: z.string().max(20_000).default(''),
};
export const newAnnotationSchema = z.object(annotationContent);
export const annotationChangeSchema = z.object({
  startSec: seconds.optional(),
  endSec: seconds.optional(),
  termIds: ids.optional(),
  personIds: ids.optional(),
  incidentId: id.nullable().optional(),
  note: z.string().max(20_000).optional(),
  version: z.number().int().positive().optional(),
});
export const annotationSchema = z.object({
  id,
  caseId: id,
  itemId: id,
  version: z.number().int(),
  startSec: seconds,
  endSec: seconds,
  termIds: z.array(id),
  personIds: z.array(id),
  incidentId: id.nullable(),
  note: z.string(),
  deleted: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedBy: z.string(),
  updatedAt: z.string(),
});
export const annotationVersionSchema = z.object({
  version: z.number().int(),
  startSec: seconds,
  endSec: seconds,
  termIds: z.array(id),
  personIds: z.array(id),
  incidentId: id.nullable(),
  note: z.string(),
  deleted: z.boolean(),
  author: z.string(),
  createdAt: z.string(),
  ledgerSeq: z.number().int(),
});

export const statusSchema = z.enum(['unreviewed', 'in-review', 'verified', 'disputed']);
export const confidenceSchema = z.enum(['low', 'medium', 'high']);
export const reviewActionSchema = z.enum(['submit', 'verify', 'dispute', 'reopen']);
const checklistPart = z.object({ done: z.boolean(), note: z.string().max(5000).default('') });
export const checklistSchema = z.object({ source: checklistPart, technical: checklistPart, content: checklistPart });
const incidentContent = {
  title: z.string().trim().min(1).max(300),
  facilityId: id.nullable().default(null),
  cameraId: id.nullable().default(null),
  place: z.string().trim().max(300).nullable().default(null),
  occurredFrom: instant.nullable().default(null),
  occurredTo: instant.nullable().default(null),
  timeSource: z.enum(['overlay', 'metadata', 'manual']).default('manual'),
  victimIds: ids.default([]),
  perpetratorIds: ids.default([]),
  termIds: ids.default([]),
  description: z.string().max(50_000).default(''),
};
export const newIncidentSchema = z.object(incidentContent);
export const incidentChangeSchema = z.object({
  title: incidentContent.title.optional(),
  facilityId: id.nullable().optional(),
  cameraId: id.nullable().optional(),
  place: z.string().trim().max(300).nullable().optional(),
  occurredFrom: instant.nullable().optional(),
  occurredTo: instant.nullable().optional(),
  timeSource: z.enum(['overlay', 'metadata', 'manual']).optional(),
  victimIds: ids.optional(),
  perpetratorIds: ids.optional(),
  termIds: ids.optional(),
  description: z.string().max(50_000).optional(),
  version: z.number().int().positive().optional(),
});
export const segmentSchema = z.object({ id, itemId: id, sha256: z.string().nullable(), startSec: seconds, endSec: seconds, annotationId: id.nullable(), addedAt: z.string() });
export const newSegmentSchema = z.object({ itemId: id, startSec: seconds, endSec: seconds, annotationId: id.nullable().default(null) });
export const reviewSchema = z.object({
  id,
  action: reviewActionSchema,
  fromStatus: statusSchema,
  toStatus: statusSchema,
  incidentVersion: z.number().int(),
  reviewer: z.string(),
  checklist: checklistSchema.nullable(),
  confidence: confidenceSchema.nullable(),
  note: z.string(),
  createdAt: z.string(),
});
export const reviewInputSchema = z.object({
  action: reviewActionSchema,
  checklist: checklistSchema.optional(),
  confidence: confidenceSchema.optional(),
  note: z.string().max(5000).optional(),
  version: z.number().int().positive().optional(),
});
export const incidentSchema = z.object({
  id,
  caseId: id,
  title: z.string(),
  facilityId: id.nullable(),
  cameraId: id.nullable(),
  place: z.string().nullable(),
  occurredFrom: z.string().nullable(),
  occurredTo: z.string().nullable(),
  timeSource: z.enum(['overlay', 'metadata', 'manual']),
  victimIds: z.array(id),
  perpetratorIds: z.array(id),
  termIds: z.array(id),
  description: z.string(),
  status: statusSchema,
  confidence: confidenceSchema.nullable(),
  createdBy: z.string(),
  submittedBy: z.string().nullable(),
  reviewedBy: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const incidentDetailSchema = incidentSchema.extend({
  segments: z.array(segmentSchema),
  reviews: z.array(reviewSchema),
  allowedActions: z.array(reviewActionSchema),
  canEdit: z.boolean(),
});

export const savedViewSchema = z.object({ id, name: z.string(), query: z.record(z.string(), z.unknown()), createdAt: z.string() });

export const ledgerEntrySchema = z.object({
  seq: z.number().int(),
  time: z.string(),
  actor: z.string(),
  action: z.string(),
  subjects: z.array(z.string()),
  details: z.record(z.string(), z.unknown()),
});

// Domain records → JSON (dates as ISO strings, users by username).
export const annotationOut = (a: Annotation) => ({
  ...a,
  createdBy: a.createdByName,
  updatedBy: a.updatedByName,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
});
export const annotationVersionOut = (v: AnnotationVersion) => ({ ...v, author: v.authorName, createdAt: v.createdAt.toISOString() });
export const incidentOut = (i: Incident) => ({
  ...i,
  createdBy: i.createdByName,
  submittedBy: i.submittedByName,
  reviewedBy: i.reviewedByName,
  createdAt: i.createdAt.toISOString(),
  updatedAt: i.updatedAt.toISOString(),
});
export const segmentOut = (s: EvidenceSegment) => ({ ...s, addedAt: s.addedAt.toISOString() });
export const reviewOut = (r: Review) => ({ ...r, reviewer: r.reviewerName, createdAt: r.createdAt.toISOString() });
export const savedViewOut = (v: SavedView) => ({ id: v.id, name: v.name, query: v.query, createdAt: v.createdAt.toISOString() });
