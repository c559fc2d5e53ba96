import { z } from 'zod';
import { csv, idParam } from '../http/validate.js';

export const REVIEW_STATES = ['none', 'annotated', 'unreviewed', 'in-review', 'verified', 'disputed'] as const;
export const ITEM_SORTS = ['path', '-path', 'size', '-size', 'duration', '-duration', 'activity', '-activity', 'id', '-id', 'recorded', '-recorded'] as const;

export const itemsQuerySchema = z.object({
  /** Full-text search (PostgreSQL, Russian and English stemming) over paths, notes, annotations, OCR text. */
  q: z.string().trim().max(500).optional(),
  kind: csv(z.string().max(40)).optional(),
  status: csv(z.string().max(40)).optional(),
  camera: csv(z.string().max(200)).optional(),
  /** A facility id: items whose camera is one of the facility's cameras. */
  facility: idParam.optional(),
  /** Overlay time range (ISO 8601). */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  hasActivity: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  /** A duplicate group id, or `any` for items in any group. */
  duplicateGroup: z.string().max(100).optional(),
  /** Taxonomy term ids (any of them). */
  tag: csv(idParam).optional(),
  review: csv(z.enum(REVIEW_STATES)).optional(),
  sort: z.enum(ITEM_SORTS).default('path'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional(),
});
export type ItemsQuery = z.output<typeof itemsQuerySchema>;

export const itemRowSchema = z.object({
  id: z.number().int(),
  path: z.string(),
  kind: z.string(),
  status: z.string(),
  sha256: z.string().nullable(),
  size: z.number().nullable(),
  durationSec: z.number().nullable(),
  posterSha256: z.string().nullable(),
  proxySha256: z.string().nullable(),
  camera: z.string().nullable(),
  overlayStart: z.string().nullable(),
  activitySeconds: z.number(),
  duplicateGroup: z.string().nullable(),
  tags: z.array(z.number().int()),
  reviewState: z.string(),
});
export type ItemRow = z.output<typeof itemRowSchema>;

const counts = z.record(z.string(), z.number().int());
export const itemsPageSchema = z.object({
  items: z.array(itemRowSchema),
  /** Counts over the whole filtered set (every filter applied), per facet value. */
  facets: z.object({ kind: counts, status: counts, camera: counts, hasActivity: counts, duplicate: counts, tag: counts, review: counts }),
  total: z.number().int(),
  /**
   * True when the words match more than 2,000 items and the other filters neither narrow the case
   * to 20,000 items or fewer nor leave too few matches to estimate from: the facet counts (and, with
   * other filters, the total) are then estimated from an even sample of the matches.
   */
  estimated: z.boolean(),
  nextCursor: z.string().nullable(),
});
export type ItemsPage = z.output<typeof itemsPageSchema>;
