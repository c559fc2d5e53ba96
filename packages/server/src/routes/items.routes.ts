import { isDomainError, notFound } from '@custodia/core';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { actorOf } from '../accounts/account.types.js';
import { requireCaseRole } from '../auth/access.js';
import { findItem, itemDetail } from '../evidence/item-detail.js';
import { itemDuplicateGroupSchema, itemFacesSchema, itemOverlaySchema } from '../evidence/item-triage.js';
import { detectSearchSources, queryItems, type SearchSources } from '../evidence/items.query.js';
import { itemsPageSchema, itemsQuerySchema } from '../evidence/items.schemas.js';
import { protectedAmong, requireItemVisible, seesProtectedItems } from '../evidence/protected-items.js';
import type { Membership } from '../accounts/account.types.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';

const custodySchema = z.object({
  seq: z.number().int(),
  time: z.string(),
  actor: z.string(),
  action: z.string(),
  details: z.record(z.string(), z.unknown()),
  proof: z.enum(['included', 'pending']),
});

export const itemDetailSchema = z.object({
  item: z.object({
    id: z.number().int(),
    caseId: z.number().int(),
    path: z.string(),
    rawPathHex: z.string().nullable(),
    pathEncoding: z.string(),
    parent: z.object({ id: z.number().int(), path: z.string() }).nullable(),
    sha256: z.string().nullable(),
    size: z.number().nullable(),
    mtime: z.string().nullable(),
    kind: z.string(),
    format: z.string(),
    status: z.string(),
    reason: z.string().nullable(),
    ledgerSeq: z.number().int(),
  }),
  acquisition: z.object({
    id: z.number().int(),
    kind: z.string(),
    operator: z.string(),
    host: z.string(),
    toolVersion: z.string(),
    sourceLabel: z.string().nullable(),
    note: z.string().nullable(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    status: z.string(),
    manifestSha256: z.string().nullable(),
  }),
  probe: z.object({ status: z.string(), failureKind: z.string().nullable(), failureMessage: z.string().nullable(), tool: z.string(), facts: z.unknown() }).nullable(),
  derivatives: z.array(z.object({ kind: z.string(), sha256: z.string(), tool: z.string(), ofSalvage: z.boolean() })),
  steps: z.array(z.object({ step: z.string(), state: z.string(), attempts: z.number().int(), error: z.string().nullable(), result: z.unknown() })),
  activity: z
    .object({
      mode: z.string(),
      tool: z.string(),
      curve: z.array(z.number()),
      segments: z.array(z.object({ startSec: z.number(), endSec: z.number(), score: z.number(), peak: z.number() })),
    })
    .nullable(),
  /** Items of the case holding the same file (exact duplicates). */
  duplicates: z.array(z.object({ id: z.number().int(), path: z.string() })),
  /** The burned-in overlay as read by OCR: start time by the picture's clock, camera label, flags. */
  overlay: itemOverlaySchema.nullable(),
  /** Face detection: per run counts, and the first run's boxes per sampled time (for the overlay and redaction). */
  faces: itemFacesSchema.nullable(),
  /** The near-duplicate group (re-encodings, segments) this item's video belongs to. */
  duplicateGroup: itemDuplicateGroupSchema.nullable(),
  custody: z.array(custodySchema),
});

export function registerItemRoutes(app: ServerApp, deps: AppDeps): void {
  let sources: Promise<SearchSources> | null = null;

  defineRoute(
    app,
    deps,
    {
      method: 'get',
      path: '/api/cases/:caseId/items',
      summary: 'Items of a case: filters, full-text search (Russian and English), facets, sort, cursor pagination',
      tags: ['evidence'],
      params: z.object({ caseId: idParam }),
      query: itemsQuerySchema,
      response: itemsPageSchema,
    },
    async (c, { params, query }) => {
      const m = await requireCaseRole(c, params.caseId, 'observer');
      sources ??= detectSearchSources(deps.vault.db);
      return queryItems(deps.vault.db, params.caseId, query, await sources, { hideProtected: !seesProtectedItems(m) });
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'get',
      path: '/api/items/:itemId',
      summary: 'One item: hashes, paths, acquisition, probe, derivatives, activity, duplicates, custody history. Each view is ledgered.',
      tags: ['evidence'],
      params: z.object({ itemId: idParam }),
      response: itemDetailSchema,
    },
    async (c, { params, auth }) => {
      const it = await findItem(deps.vault, params.itemId);
      const m = await requireItemAccess(c, it.caseId, params.itemId);
      await requireItemVisible(deps.vault.db, m, params.itemId);
      await deps.vault.db.transaction((tx) =>
        deps.vault.ledger.append(tx, {
          actor: actorOf(auth.user),
          action: 'viewed',
          subjects: it.sha256 ? [it.sha256] : [],
          details: { case: it.caseId, item: it.id, user: auth.user.id },
        }),
      );
      const detail = await itemDetail(deps.vault, it);
      // Exact duplicates that are protected items are not named to a member who may not see them.
      if (!seesProtectedItems(m) && detail.duplicates.length) {
        const hidden = await protectedAmong(deps.vault.db, detail.duplicates.map((d) => d.id));
        return { ...detail, duplicates: detail.duplicates.filter((d) => !hidden.has(d.id)) };
      }
      return detail;
    },
  );

}

async function requireItemAccess(c: Parameters<typeof requireCaseRole>[0], caseId: number, itemId: number): Promise<Membership> {
  try {
    return await requireCaseRole(c, caseId, 'observer');
  } catch (e) {
    // A non-member learns nothing, not even which case holds the item.
    if (isDomainError(e) && e.code === 'NotFound') throw notFound(`no item ${itemId}`, { where: 'params.itemId' });
    throw e;
  }
}
