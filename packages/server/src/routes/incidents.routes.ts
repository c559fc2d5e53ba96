import { addSegment, applyReview, createIncident, getIncident, listIncidents, removeSegment, timeAt, updateIncident } from '@custodia/core';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { callerOf, docRepos } from '../documentation/documentation-context.js';
import {
  incidentChangeSchema,
  incidentDetailSchema,
  incidentOut,
  incidentSchema,
  newIncidentSchema,
  newSegmentSchema,
  reviewInputSchema,
  reviewOut,
  segmentOut,
  segmentSchema,
  statusSchema,
} from '../documentation/documentation.schemas.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';
import { stripUndefined } from './taxonomy.routes.js';

export function registerIncidentRoutes(app: ServerApp, deps: AppDeps): void {
  const repos = docRepos(deps);
  const detail = async (caller: ReturnType<typeof callerOf>, id: number) => {
    const d = await getIncident(repos, caller, id);
    return { ...incidentOut(d.incident), segments: d.segments.map(segmentOut), reviews: d.reviews.map(reviewOut), allowedActions: d.allowedActions, canEdit: d.canEdit };
  };
  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/cases/:caseId/incidents', summary: 'Incidents of a case; q searches titles, places and descriptions (Russian and English)', tags: ['incidents'],
      params: z.object({ caseId: idParam }), query: z.object({ status: statusSchema.optional(), q: z.string().max(200).optional() }),
      response: z.object({ incidents: z.array(incidentSchema) }),
    },
    async (_c, { params, query, auth }) => ({ incidents: (await listIncidents(repos, callerOf(deps, auth), params.caseId, stripUndefined(query))).map(incidentOut) }),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'post', path: '/api/cases/:caseId/incidents', summary: 'Create an incident (analysts and above); ledgered', tags: ['incidents'], status: 201,
      params: z.object({ caseId: idParam }), body: newIncidentSchema, response: z.object({ incident: incidentDetailSchema }),
    },
    async (_c, { params, body, auth }) => {
      const caller = callerOf(deps, auth);
      const inc = await createIncident(repos, caller, params.caseId, body);
      return { incident: await detail(caller, inc.id) };
    },
  );
  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/incidents/:incidentId', summary: 'An incident with its evidence segments, reviews and what the caller may do next', tags: ['incidents'],
      params: z.object({ incidentId: idParam }), response: z.object({ incident: incidentDetailSchema }),
    },
    async (_c, { params, auth }) => ({ incident: await detail(callerOf(deps, auth), params.incidentId) }),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'patch', path: '/api/incidents/:incidentId', summary: 'Edit an unreviewed incident (a new version; reopen a reviewed one first); ledgered', tags: ['incidents'],
      params: z.object({ incidentId: idParam }), body: incidentChangeSchema, response: z.object({ incident: incidentDetailSchema }),
    },
    async (_c, { params, body, auth }) => {
      const caller = callerOf(deps, auth);
      const { version, ...change } = body;
      await updateIncident(repos, caller, params.incidentId, stripUndefined(change), version);
      return { incident: await detail(caller, params.incidentId) };
    },
  );
  defineRoute(
    app,
    deps,
    {
      method: 'post', path: '/api/incidents/:incidentId/segments', summary: 'Link an evidence segment (item, start, end) to an unreviewed incident; ledgered', tags: ['incidents'], status: 201,
      params: z.object({ incidentId: idParam }), body: newSegmentSchema, response: z.object({ segment: segmentSchema }),
    },
    async (_c, { params, body, auth }) => ({ segment: segmentOut(await addSegment(repos, callerOf(deps, auth), params.incidentId, body)) }),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'delete', path: '/api/incidents/:incidentId/segments/:segmentId', summary: 'Unlink an evidence segment from an unreviewed incident (send version to refuse a stale edit); ledgered', tags: ['incidents'],
      params: z.object({ incidentId: idParam, segmentId: idParam }), query: z.object({ version: z.coerce.number().int().positive().optional() }),
      response: z.object({ incident: incidentDetailSchema }),
    },
    async (_c, { params, query, auth }) => {
      const caller = callerOf(deps, auth);
      await removeSegment(repos, caller, params.incidentId, params.segmentId, query.version);
      return { incident: await detail(caller, params.incidentId) };
    },
  );
  defineRoute(
    app,
    deps,
    {
      method: 'post', path: '/api/incidents/:incidentId/review',
      summary: 'Review workflow: submit, verify, dispute, reopen. Verify/dispute need a reviewer who neither created nor submitted it, the whole Berkeley Protocol checklist and a confidence; ledgered',
      tags: ['incidents'], params: z.object({ incidentId: idParam }), body: reviewInputSchema, response: z.object({ incident: incidentDetailSchema }),
    },
    async (_c, { params, body, auth }) => {
      const caller = callerOf(deps, auth);
      const { action, version, ...rest } = body;
      await applyReview(repos, caller, params.incidentId, action, { ...stripUndefined(rest), ...(version !== undefined ? { expectedVersion: version } : {}) });
      return { incident: await detail(caller, params.incidentId) };
    },
  );
  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/items/:itemId/time',
      summary: 'When a moment of a recording happened, for an incident\'s time: from the overlay clock when read, else the file\'s creation time', tags: ['incidents'],
      params: z.object({ itemId: idParam }), query: z.object({ at: z.coerce.number().finite().min(0).default(0) }),
      response: z.object({ time: z.string().nullable(), source: z.enum(['overlay', 'metadata']).nullable() }),
    },
    async (_c, { params, query, auth }) => timeAt(repos, callerOf(deps, auth), params.itemId, query.at),
  );
}
