import { caseLedger } from '@custodia/core';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { callerOf, docRepos } from '../documentation/documentation-context.js';
import { ledgerEntrySchema } from '../documentation/documentation.schemas.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';

export function registerLedgerRoutes(app: ServerApp, deps: AppDeps): void {
  const { ledgerView } = docRepos(deps);
  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/cases/:caseId/ledger',
      summary: 'Who did what in a case: its custody-ledger entries, newest first (before = a seq, for the next page)', tags: ['ledger'],
      params: z.object({ caseId: idParam }),
      query: z.object({
        limit: z.coerce.number().int().min(1).max(500).default(50),
        before: z.coerce.number().int().min(0).optional(),
        actor: z.string().max(100).optional(),
        action: z.string().max(100).optional(),
      }),
      response: z.object({ entries: z.array(ledgerEntrySchema), nextBefore: z.number().int().nullable() }),
    },
    async (_c, { params, query, auth }) => {
      const entries = await caseLedger(ledgerView, callerOf(deps, auth), params.caseId, {
        limit: query.limit,
        ...(query.before !== undefined ? { before: query.before } : {}),
        ...(query.actor ? { actor: query.actor } : {}),
        ...(query.action ? { action: query.action } : {}),
      });
      return { entries, nextBefore: entries.length === query.limit ? entries.at(-1)!.seq : null };
    },
  );
}
