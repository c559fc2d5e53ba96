import { createTerm, listTerms, updateTerm } from '@custodia/core';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { callerOf, docRepos } from '../documentation/documentation-context.js';
import { newTermSchema, termChangeSchema, termKindSchema, termSchema } from '../documentation/documentation.schemas.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';

export function registerTaxonomyRoutes(app: ServerApp, deps: AppDeps): void {
  const { taxonomy } = docRepos(deps);
  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/taxonomy', summary: 'Taxonomy terms (ill-treatment, facility types) with English and Russian labels', tags: ['taxonomy'],
      query: z.object({ kind: termKindSchema.optional(), archived: z.enum(['true', 'false']).optional() }),
      response: z.object({ terms: z.array(termSchema) }),
    },
    async (_c, { query }) => ({ terms: await listTerms(taxonomy, { ...(query.kind ? { kind: query.kind } : {}), includeArchived: query.archived === 'true' }) }),
  );
  defineRoute(
    app,
    deps,
    { method: 'post', path: '/api/taxonomy', summary: 'Add a term (coordinators and administrators)', tags: ['taxonomy'], status: 201, body: newTermSchema, response: z.object({ term: termSchema }) },
    async (_c, { body, auth }) => ({ term: await createTerm(taxonomy, callerOf(deps, auth), body) }),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'patch', path: '/api/taxonomy/:termId', summary: 'Change a term\'s labels, parent or archived flag (coordinators and administrators)', tags: ['taxonomy'],
      params: z.object({ termId: idParam }), body: termChangeSchema, response: z.object({ term: termSchema }),
    },
    async (_c, { params, body, auth }) => ({ term: await updateTerm(taxonomy, callerOf(deps, auth), params.termId, stripUndefined(body)) }),
  );
}

/** zod leaves absent optional keys out, but exactOptionalPropertyTypes wants that said. */
export const stripUndefined = <T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
