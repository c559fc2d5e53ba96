import { createPerson, getPerson, listPersons, updatePerson } from '@custodia/core';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { callerOf, docRepos } from '../documentation/documentation-context.js';
import { newPersonSchema, personChangeSchema, personSchema } from '../documentation/documentation.schemas.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';
import { stripUndefined } from './taxonomy.routes.js';

/** `protected` (a real identity) is in a response only for members with the protected-identities grant. */
export function registerPersonRoutes(app: ServerApp, deps: AppDeps): void {
  const repos = docRepos(deps);
  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/cases/:caseId/persons', summary: 'Persons of a case; q filters by pseudonym or position (never by real identity)', tags: ['persons'],
      params: z.object({ caseId: idParam }), query: z.object({ q: z.string().max(200).optional() }), response: z.object({ persons: z.array(personSchema) }),
    },
    async (_c, { params, query, auth }) => ({ persons: await listPersons(repos, callerOf(deps, auth), params.caseId, query.q) }),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'post', path: '/api/cases/:caseId/persons', summary: 'Add a person (analysts and above; a real identity needs the grant)', tags: ['persons'], status: 201,
      params: z.object({ caseId: idParam }), body: newPersonSchema, response: z.object({ person: personSchema }),
    },
    async (_c, { params, body, auth }) => ({ person: await createPerson(repos, callerOf(deps, auth), { caseId: params.caseId, ...stripUndefined(body) }) }),
  );
  defineRoute(
    app,
    deps,
    { method: 'get', path: '/api/persons/:personId', summary: 'One person', tags: ['persons'], params: z.object({ personId: idParam }), response: z.object({ person: personSchema }) },
    async (_c, { params, auth }) => ({ person: await getPerson(repos, callerOf(deps, auth), params.personId) }),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'patch', path: '/api/persons/:personId', summary: 'Change a person (analysts and above; protected: null erases the real identity)', tags: ['persons'],
      params: z.object({ personId: idParam }), body: personChangeSchema, response: z.object({ person: personSchema }),
    },
    async (_c, { params, body, auth }) => {
      const { version, ...change } = body;
      return { person: await updatePerson(repos, callerOf(deps, auth), params.personId, stripUndefined(change), version) };
    },
  );
}
