import { Readable } from 'node:stream';
import {
  accountabilityDashboard,
  addClaim,
  addEvent,
  capturedCopy,
  createProceeding,
  createSource,
  exportAccountability,
  getProceeding,
  linkProceeding,
  listPersonClaims,
  listPersons,
  listProceedings,
  listSources,
  outcomeOf,
  updateEvent,
  updateProceeding,
  updateSource,
  type Proceeding,
} from '@custodia/core';
import { BlobSourceText } from '@custodia/store';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import {
  claimOut,
  claimSchema,
  dashboardSchema,
  eventChangeSchema,
  eventSchema,
  linkSchema,
  newClaimSchema,
  newEventSchema,
  newLinkSchema,
  newPositionClaimSchema,
  newProceedingSchema,
  newSourceSchema,
  proceedingChangeSchema,
  proceedingDetailSchema,
  proceedingOut,
  proceedingQuerySchema,
  proceedingSchema,
  searchSchema,
  sourceChangeSchema,
  sourceSchema,
} from '../accountability/accountability.schemas.js';
import { callerOf, docRepos } from '../documentation/documentation-context.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';
import { stripUndefined } from './taxonomy.routes.js';

const out = (p: Proceeding) => proceedingOut({ ...p, outcome: outcomeOf(p.type, p.latestStatus) });

/**
 * The accountability tracker (ADR 0019). Without the source-identity grant, the source's own legal
 * exposure and the person who is the source are absent from every answer here.
 */
export function registerAccountabilityRoutes(app: ServerApp, deps: AppDeps): void {
  const repos = { ...docRepos(deps), texts: new BlobSourceText(deps.vault.blobs) };
  const detail = async (caller: ReturnType<typeof callerOf>, id: number) => {
    const d = await getProceeding(repos, caller, id);
    return { ...d, proceeding: out(d.proceeding), events: d.events.map((e) => ({ ...e, claims: e.claims.map(claimOut) })) };
  };
  const tags = ['accountability'];

  defineRoute(app, deps, {
    method: 'get', path: '/api/cases/:caseId/proceedings', tags,
    summary: 'Proceedings of a case (dismissals, disciplinary measures, criminal cases, …), filtered by type, latest status, person, facility or region, and words',
    params: z.object({ caseId: idParam }), query: proceedingQuerySchema, response: z.object({ proceedings: z.array(proceedingSchema) }),
  }, async (_c, { params, query, auth }) => ({ proceedings: (await listProceedings(repos, callerOf(deps, auth), params.caseId, stripUndefined(query))).map(out) }));

  defineRoute(app, deps, {
    method: 'post', path: '/api/cases/:caseId/proceedings', tags, status: 201,
    summary: 'Record a proceeding (analysts and above; sourceExposure needs the source-identity grant); ledgered',
    params: z.object({ caseId: idParam }), body: newProceedingSchema, response: z.object({ proceeding: proceedingDetailSchema }),
  }, async (_c, { params, body, auth }) => {
    const caller = callerOf(deps, auth);
    const p = await createProceeding(repos, caller, params.caseId, body);
    return { proceeding: await detail(caller, p.id) };
  });

  defineRoute(app, deps, {
    method: 'get', path: '/api/proceedings/:proceedingId', tags, summary: 'A proceeding with its status timeline, each event\'s claims, the sources they cite and its links',
    params: z.object({ proceedingId: idParam }), response: z.object({ proceeding: proceedingDetailSchema }),
  }, async (_c, { params, auth }) => ({ proceeding: await detail(callerOf(deps, auth), params.proceedingId) }));

  defineRoute(app, deps, {
    method: 'patch', path: '/api/proceedings/:proceedingId', tags, summary: 'Change a proceeding (a new version; a stale version is refused); ledgered',
    params: z.object({ proceedingId: idParam }), body: proceedingChangeSchema, response: z.object({ proceeding: proceedingDetailSchema }),
  }, async (_c, { params, body, auth }) => {
    const caller = callerOf(deps, auth);
    const { version, ...change } = body;
    await updateProceeding(repos, caller, params.proceedingId, stripUndefined(change), version);
    return { proceeding: await detail(caller, params.proceedingId) };
  });

  defineRoute(app, deps, {
    method: 'post', path: '/api/proceedings/:proceedingId/events', tags, status: 201, summary: 'Add an event (date YYYY, YYYY-MM, YYYY-MM-DD or null, status, summary) to the timeline; ledgered',
    params: z.object({ proceedingId: idParam }), body: newEventSchema, response: z.object({ proceeding: proceedingDetailSchema }),
  }, async (_c, { params, body, auth }) => {
    const caller = callerOf(deps, auth);
    await addEvent(repos, caller, params.proceedingId, body);
    return { proceeding: await detail(caller, params.proceedingId) };
  });

  defineRoute(app, deps, {
    method: 'patch', path: '/api/proceeding-events/:eventId', tags, summary: 'Change an event of a timeline; ledgered',
    params: z.object({ eventId: idParam }), body: eventChangeSchema, response: z.object({ proceeding: proceedingDetailSchema }),
  }, async (_c, { params, body, auth }) => {
    const caller = callerOf(deps, auth);
    const { version, ...change } = body;
    const e = await updateEvent(repos, caller, params.eventId, stripUndefined(change), version);
    return { proceeding: await detail(caller, e.proceedingId) };
  });

  defineRoute(app, deps, {
    method: 'post', path: '/api/proceeding-events/:eventId/claims', tags, status: 201,
    summary: 'Support an event with a source\'s exact words (checked against the captured copy\'s text when it has one); ledgered',
    params: z.object({ eventId: idParam }), body: newClaimSchema, response: z.object({ claim: claimSchema }),
  }, async (_c, { params, body, auth }) => ({ claim: claimOut(await addClaim(repos, callerOf(deps, auth), { eventId: params.eventId }, body)) }));

  defineRoute(app, deps, {
    method: 'post', path: '/api/proceedings/:proceedingId/links', tags, status: 201, summary: 'Relate a proceeding to an incident or a segment of an evidence item; ledgered',
    params: z.object({ proceedingId: idParam }), body: newLinkSchema, response: z.object({ link: linkSchema }),
  }, async (_c, { params, body, auth }) => ({ link: await linkProceeding(repos, callerOf(deps, auth), params.proceedingId, body) }));

  defineRoute(app, deps, {
    method: 'get', path: '/api/cases/:caseId/sources', tags, summary: 'Sources of a case (web pages, documents, videos) with their captured copies\' hashes',
    params: z.object({ caseId: idParam }), response: z.object({ sources: z.array(sourceSchema) }),
  }, async (_c, { params, auth }) => ({ sources: await listSources(repos, callerOf(deps, auth), params.caseId) }));

  defineRoute(app, deps, {
    method: 'post', path: '/api/cases/:caseId/sources', tags, status: 201, summary: 'Record a source; itemId names its captured copy, an item of the case; ledgered',
    params: z.object({ caseId: idParam }), body: newSourceSchema, response: z.object({ source: sourceSchema }),
  }, async (_c, { params, body, auth }) => ({ source: await createSource(repos, callerOf(deps, auth), params.caseId, body) }));

  defineRoute(app, deps, {
    method: 'patch', path: '/api/sources/:sourceId', tags, summary: 'Change a source (a new version); ledgered',
    params: z.object({ sourceId: idParam }), body: sourceChangeSchema, response: z.object({ source: sourceSchema }),
  }, async (_c, { params, body, auth }) => {
    const { version, ...change } = body;
    return { source: await updateSource(repos, callerOf(deps, auth), params.sourceId, stripUndefined(change), version) };
  });

  defineRoute(app, deps, {
    method: 'get', path: '/api/sources/:sourceId/captured-copy', tags,
    summary: 'The captured copy of a source (text as text/plain, never rendered as a page; other kinds as a download); the reading is ledgered',
    params: z.object({ sourceId: idParam }), query: z.object({ download: z.enum(['0', '1']).optional() }),
    responseDescription: 'the captured copy\'s bytes',
  }, async (_c, { params, query, auth }) => {
    const copy = await capturedCopy(repos, callerOf(deps, auth), params.sourceId);
    const text = await repos.texts.textOf(copy.sha256);
    const size = (await deps.vault.blobs.size(copy.sha256)) ?? 0;
    const name = `source-${params.sourceId}-${copy.sha256.slice(0, 12)}${text !== null ? '.txt' : '.bin'}`;
    return new Response(Readable.toWeb(deps.vault.blobs.read(copy.sha256)) as ReadableStream, {
      headers: {
        'content-type': text !== null ? 'text/plain; charset=utf-8' : 'application/octet-stream',
        'content-length': String(size),
        'x-content-type-options': 'nosniff',
        'content-security-policy': 'sandbox',
        'content-disposition': `${query.download === '1' || text === null ? 'attachment' : 'inline'}; filename="${name}"`,
        etag: `"${copy.sha256}"`,
      },
    });
  });

  defineRoute(app, deps, {
    method: 'get', path: '/api/persons/:personId/claims', tags, summary: 'Claims supporting a person\'s positions',
    params: z.object({ personId: idParam }), response: z.object({ claims: z.array(claimSchema) }),
  }, async (_c, { params, auth }) => ({ claims: (await listPersonClaims(repos, callerOf(deps, auth), params.personId)).map(claimOut) }));

  defineRoute(app, deps, {
    method: 'post', path: '/api/persons/:personId/claims', tags, status: 201, summary: 'Support a person\'s position (by index) with a source\'s exact words; ledgered',
    params: z.object({ personId: idParam }), body: newPositionClaimSchema, response: z.object({ claim: claimSchema }),
  }, async (_c, { params, body, auth }) => {
    const { positionIndex, ...c } = body;
    return { claim: claimOut(await addClaim(repos, callerOf(deps, auth), { personId: params.personId, positionIndex }, c)) };
  });

  defineRoute(app, deps, {
    method: 'get', path: '/api/cases/:caseId/accountability/search', tags, summary: 'Persons and proceedings matching words (pseudonyms, posts, titles, authorities, articles, event summaries)',
    params: z.object({ caseId: idParam }), query: z.object({ q: z.string().trim().min(1).max(200) }), response: searchSchema,
  }, async (_c, { params, query, auth }) => {
    const caller = callerOf(deps, auth);
    return { persons: await listPersons(repos, caller, params.caseId, query.q), proceedings: (await listProceedings(repos, caller, params.caseId, { q: query.q })).map(out) };
  });

  defineRoute(app, deps, {
    method: 'get', path: '/api/cases/:caseId/accountability/dashboard', tags,
    summary: 'Counts by outcome, the timeline of events and the incidents each outcome relates to, for the case or one facility or region (facilityId)',
    params: z.object({ caseId: idParam }), query: z.object({ facilityId: z.coerce.number().int().positive().optional() }), response: dashboardSchema,
  }, async (_c, { params, query, auth }) => accountabilityDashboard(repos, callerOf(deps, auth), params.caseId, query.facilityId));

  defineRoute(app, deps, {
    method: 'get', path: '/api/cases/:caseId/accountability/export', tags,
    summary: 'The accountability records as CSV (one row per event; formula-safe) or JSON; the source\'s exposure only with withSourceExposure=1 and the grant. Ledgered',
    params: z.object({ caseId: idParam }),
    query: z.object({ format: z.enum(['csv', 'json']).default('json'), facilityId: z.coerce.number().int().positive().optional(), withSourceExposure: z.enum(['0', '1']).optional() }),
    responseDescription: 'an attachment: accountability-<case>.csv or .json',
  }, async (_c, { params, query, auth }) => {
    const caller = callerOf(deps, auth);
    const withSourceExposure = query.withSourceExposure === '1';
    const r = await exportAccountability(repos, caller, params.caseId, { format: query.format, withSourceExposure, ...(query.facilityId !== undefined ? { facilityId: query.facilityId } : {}) });
    await repos.audit.record(`user:${auth.user.username}`, { action: 'accountability-exported', subjects: [], details: { case: params.caseId, format: query.format, withSourceExposure, facility: query.facilityId ?? null } });
    return new Response(r.body, {
      headers: { 'content-type': r.contentType, 'content-disposition': `attachment; filename="accountability-${params.caseId}.${query.format}"`, 'x-content-type-options': 'nosniff' },
    });
  });
}
