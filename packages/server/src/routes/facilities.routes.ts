import { createFacility, deleteFacility, listFacilities, matchCamera, setFacilityArchived, updateFacility } from '@custodia/core';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { callerOf, docRepos } from '../documentation/documentation-context.js';
import { facilityChangeSchema, facilitySchema, newFacilitySchema } from '../documentation/documentation.schemas.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';
import { stripUndefined } from './taxonomy.routes.js';

export function registerFacilityRoutes(app: ServerApp, deps: AppDeps): void {
  const repos = docRepos(deps);
  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/facilities', summary: 'The facilities tree (region → facility → unit → camera), as a flat list with parents', tags: ['facilities'],
      response: z.object({ facilities: z.array(facilitySchema) }),
    },
    async (_c, { auth }) => ({ facilities: await listFacilities(repos.facilities, callerOf(deps, auth)) }),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/facilities/match-camera', summary: 'The camera whose overlay label matches a label read by OCR (null when none or several)', tags: ['facilities'],
      query: z.object({ label: z.string().min(1).max(300) }), response: z.object({ camera: facilitySchema.nullable() }),
    },
    async (_c, { query, auth }) => ({ camera: await matchCamera(repos.facilities, query.label, callerOf(deps, auth)) }),
  );
  defineRoute(
    app,
    deps,
    { method: 'post', path: '/api/facilities', summary: 'Add a region, facility, unit or camera (coordinators and administrators)', tags: ['facilities'], status: 201, body: newFacilitySchema, response: z.object({ facility: facilitySchema }) },
    async (_c, { body, auth }) => ({ facility: await createFacility(repos, callerOf(deps, auth), body) }),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'patch', path: '/api/facilities/:facilityId', summary: 'Rename, move or relabel a facility node (coordinators and administrators)', tags: ['facilities'],
      params: z.object({ facilityId: idParam }), body: facilityChangeSchema, response: z.object({ facility: facilitySchema }),
    },
    async (_c, { params, body, auth }) => ({ facility: await updateFacility(repos, callerOf(deps, auth), params.facilityId, stripUndefined(body)) }),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'delete', path: '/api/facilities/:facilityId', summary: 'Delete a facility node nothing refers to (409 with what uses it otherwise; coordinators and administrators); ledgered', tags: ['facilities'],
      params: z.object({ facilityId: idParam }), response: z.object({ ok: z.literal(true) }),
    },
    async (_c, { params, auth }) => {
      await deleteFacility(repos, callerOf(deps, auth), params.facilityId);
      return { ok: true as const };
    },
  );
  for (const [verb, archived] of [['archive', true], ['restore', false]] as const) {
    defineRoute(
      app,
      deps,
      {
        method: 'post',
        path: `/api/facilities/:facilityId/${verb}`,
        summary: archived
          ? 'Archive a facility node: hidden (with the nodes under it) from the pickers of new documentation, still named where cited (coordinators and administrators); ledgered'
          : 'Restore an archived facility node (its parent must not be archived; coordinators and administrators); ledgered',
        tags: ['facilities'],
        params: z.object({ facilityId: idParam }),
        response: z.object({ facility: facilitySchema }),
      },
      async (_c, { params, auth }) => ({ facility: await setFacilityArchived(repos, callerOf(deps, auth), params.facilityId, archived) }),
    );
  }
}
