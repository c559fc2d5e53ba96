import { deleteView, listViews, renameView, saveView } from '@custodia/core';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { callerOf, docRepos } from '../documentation/documentation-context.js';
import { savedViewOut, savedViewSchema } from '../documentation/documentation.schemas.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';

export function registerViewRoutes(app: ServerApp, deps: AppDeps): void {
  const { views } = docRepos(deps);
  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/cases/:caseId/views', summary: 'The caller\'s saved views of a case', tags: ['views'],
      params: z.object({ caseId: idParam }), response: z.object({ views: z.array(savedViewSchema) }),
    },
    async (_c, { params, auth }) => ({ views: (await listViews(views, callerOf(deps, auth), params.caseId)).map(savedViewOut) }),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'post', path: '/api/cases/:caseId/views', summary: 'Save an items query under a name (replaces the caller\'s view of that name)', tags: ['views'], status: 201,
      params: z.object({ caseId: idParam }),
      body: z.object({ name: z.string().trim().min(1).max(200), query: z.record(z.string(), z.unknown()) }),
      response: z.object({ view: savedViewSchema }),
    },
    async (_c, { params, body, auth }) => ({ view: savedViewOut(await saveView(views, callerOf(deps, auth), params.caseId, body.name, body.query)) }),
  );
  defineRoute(
    app,
    deps,
    { method: 'delete', path: '/api/views/:viewId', summary: 'Delete one of the caller\'s saved views', tags: ['views'], params: z.object({ viewId: idParam }), response: z.object({ ok: z.literal(true) }) },
    async (_c, { params, auth }) => {
      await deleteView(views, callerOf(deps, auth), params.viewId);
      return { ok: true as const };
    },
  );
  defineRoute(
    app,
    deps,
    {
      method: 'patch', path: '/api/views/:viewId', summary: 'Rename one of the caller\'s saved views (409 if they have one of that name)', tags: ['views'],
      params: z.object({ viewId: idParam }), body: z.object({ name: z.string().trim().min(1).max(200) }), response: z.object({ view: savedViewSchema }),
    },
    async (_c, { params, body, auth }) => ({ view: savedViewOut(await renameView(views, callerOf(deps, auth), params.viewId, body.name)) }),
  );
}
