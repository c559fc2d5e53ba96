import { claimHistory, unlinkProceeding, updateClaim, withdrawClaim } from '@custodia/core';
import { BlobSourceText } from '@custodia/store';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { claimChangeSchema, claimOut, claimSchema, claimVersionSchema, claimWithdrawSchema } from '../accountability/accountability.schemas.js';
import { callerOf, docRepos } from '../documentation/documentation-context.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';
import { stripUndefined } from './taxonomy.routes.js';

/** Editing and withdrawing claims, removing links (ADR 0021); each a ledgered change, history kept. */
export function registerAccountabilityRevisionRoutes(app: ServerApp, deps: AppDeps): void {
  const repos = { ...docRepos(deps), texts: new BlobSourceText(deps.vault.blobs) };
  const tags = ['accountability'];

  defineRoute(app, deps, {
    method: 'patch', path: '/api/claims/:claimId', tags, summary: 'Edit a claim (quote checked against the captured copy, confidence, source): a new version, the old kept; ledgered',
    params: z.object({ claimId: idParam }), body: claimChangeSchema, response: z.object({ claim: claimSchema }),
  }, async (_c, { params, body, auth }) => {
    const { version, ...change } = body;
    return { claim: claimOut(await updateClaim(repos, callerOf(deps, auth), params.claimId, stripUndefined(change), version)) };
  });

  defineRoute(app, deps, {
    method: 'post', path: '/api/claims/:claimId/withdraw', tags, summary: 'Withdraw a claim: kept in its history, supports and counts for nothing; ledgered',
    params: z.object({ claimId: idParam }), body: claimWithdrawSchema, response: z.object({ claim: claimSchema }),
  }, async (_c, { params, body, auth }) => ({ claim: claimOut(await withdrawClaim(repos, callerOf(deps, auth), params.claimId, body.reason, body.version)) }));

  defineRoute(app, deps, {
    method: 'get', path: '/api/claims/:claimId/history', tags, summary: 'Every version of a claim, oldest first, withdrawn ones included',
    params: z.object({ claimId: idParam }), response: z.object({ versions: z.array(claimVersionSchema) }),
  }, async (_c, { params, auth }) => ({
    versions: (await claimHistory(repos, callerOf(deps, auth), params.claimId)).map((v) => ({ ...v, writtenAt: new Date(v.writtenAt).toISOString() })),
  }));

  defineRoute(app, deps, {
    method: 'delete', path: '/api/proceeding-links/:linkId', tags, summary: 'Remove a link of a proceeding to an incident or a segment (kept, marked removed); ledgered',
    params: z.object({ linkId: idParam }), response: z.object({ proceedingId: z.number().int() }),
  }, async (_c, { params, auth }) => unlinkProceeding(repos, callerOf(deps, auth), params.linkId));
}
