import { createReadStream, existsSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { getPublication, listPublications, markPublic, notFound, requireCaseRole, unmarkPublic } from '@custodia/core';
import { requestSiteBuild, siteBuild, siteBuilds, type SiteBuildView } from '@custodia/store';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { callerOf, docRepos } from '../documentation/documentation-context.js';
import {
  publicationDetailSchema, publicationMarkSchema, publicationOut, publicationSchema, publishableOut, siteBuildSchema,
} from '../documentation/publication.schemas.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';

const buildOut = (b: SiteBuildView) => ({
  id: b.id, state: b.state, progress: b.state === 'running' ? b.progress : null, error: b.error,
  attempts: b.job?.attempts ?? 0, maxAttempts: b.job?.maxAttempts ?? 0, lastError: b.job?.lastError ?? null,
  incidents: b.incidents, videos: b.videos, builtBy: b.builtBy, requestedAt: b.requestedAt.toISOString(), builtAt: b.builtAt?.toISOString() ?? null,
  ledgerSeq: b.ledgerSeq, zipBytes: b.zip && existsSync(b.zip) ? statSync(b.zip).size : null,
  download: b.state === 'done' ? `/api/cases/${b.caseId}/sites/${b.id}/zip` : null,
  skipped: b.skipped, warnings: b.warnings,
});

export function registerPublicationRoutes(app: ServerApp, deps: AppDeps): void {
  const repos = docRepos(deps);
  const detail = async (caller: ReturnType<typeof callerOf>, incidentId: number) => {
    const d = await getPublication(repos, caller, incidentId);
    return { publication: d.publication ? publicationOut(d.publication) : null, publishable: d.publishable.map(publishableOut), canMark: d.canMark, reason: d.reason };
  };
  defineRoute(
    app, deps,
    {
      method: 'get', path: '/api/incidents/:incidentId/publication', summary: 'An incident\'s publication mark and the approved redactions that could be published with it', tags: ['publication'],
      params: z.object({ incidentId: idParam }), response: publicationDetailSchema,
    },
    async (_c, { params, auth }) => detail(callerOf(deps, auth), params.incidentId),
  );
  defineRoute(
    app, deps,
    {
      method: 'put', path: '/api/incidents/:incidentId/publication',
      summary: 'Mark a verified incident public (coordinators): public title, public summary, approved redactions; replaces an earlier mark; ledgered', tags: ['publication'],
      params: z.object({ incidentId: idParam }), body: publicationMarkSchema, response: publicationDetailSchema,
    },
    async (_c, { params, body, auth }) => {
      const caller = callerOf(deps, auth);
      const { version, ...mark } = body;
      await markPublic(repos, caller, params.incidentId, { ...mark, ...(version !== undefined ? { expectedVersion: version } : {}) });
      return detail(caller, params.incidentId);
    },
  );
  defineRoute(
    app, deps,
    {
      method: 'delete', path: '/api/incidents/:incidentId/publication', summary: 'Withdraw an incident from publication (coordinators); ledgered', tags: ['publication'],
      params: z.object({ incidentId: idParam }), response: publicationDetailSchema,
    },
    async (_c, { params, auth }) => {
      const caller = callerOf(deps, auth);
      await unmarkPublic(repos, caller, params.incidentId);
      return detail(caller, params.incidentId);
    },
  );
  defineRoute(
    app, deps,
    {
      method: 'get', path: '/api/cases/:caseId/publications', summary: 'Incidents of a case marked public, and the public sites built', tags: ['publication'],
      params: z.object({ caseId: idParam }), response: z.object({ publications: z.array(publicationSchema), sites: z.array(siteBuildSchema) }),
    },
    async (_c, { params, auth }) => {
      const publications = await listPublications(repos, callerOf(deps, auth), params.caseId);
      return { publications: publications.map(publicationOut), sites: (await siteBuilds(deps.vault.db, params.caseId)).map(buildOut) };
    },
  );
  defineRoute(
    app, deps,
    {
      method: 'post', path: '/api/cases/:caseId/sites',
      summary: 'Queue a build of the public static site of the case (coordinators): 202, state queued; a worker builds it into the instance\'s data folder with a zip to download (poll the build). While a build of the case is queued or running, asking again returns that build. 400 when nothing is marked public. Ledgered once done',
      tags: ['publication'], status: 202,
      params: z.object({ caseId: idParam }), response: z.object({ site: siteBuildSchema, created: z.boolean().describe('false: a build of this case was already on its way; this is it') }),
    },
    async (_c, { params, auth }) => {
      await requireCaseRole(callerOf(deps, auth), params.caseId, 'coordinator');
      const r = await requestSiteBuild(deps.vault, { caseId: params.caseId, userId: auth.user.id });
      return { site: buildOut(r.build), created: r.created };
    },
  );
  defineRoute(
    app, deps,
    {
      method: 'get', path: '/api/cases/:caseId/sites', summary: 'The public site builds of a case, newest first: state, progress, attempts, error', tags: ['publication'],
      params: z.object({ caseId: idParam }), response: z.object({ sites: z.array(siteBuildSchema) }),
    },
    async (_c, { params, auth }) => {
      await requireCaseRole(callerOf(deps, auth), params.caseId, 'observer'); // members, as the publications
      return { sites: (await siteBuilds(deps.vault.db, params.caseId)).map(buildOut) };
    },
  );
  defineRoute(
    app, deps,
    {
      method: 'get', path: '/api/cases/:caseId/sites/:siteId', summary: 'One public site build: state (queued, running, done, failed), progress, attempts, error', tags: ['publication'],
      params: z.object({ caseId: idParam, siteId: idParam }), response: z.object({ site: siteBuildSchema }),
    },
    async (_c, { params, auth }) => {
      await requireCaseRole(callerOf(deps, auth), params.caseId, 'observer');
      const b = await siteBuild(deps.vault.db, params.caseId, params.siteId);
      if (!b) throw notFound(`no site build ${params.siteId} of case ${params.caseId}`, { where: 'params.siteId' });
      return { site: buildOut(b) };
    },
  );
  defineRoute(
    app, deps,
    {
      method: 'get', path: '/api/cases/:caseId/sites/:siteId/zip', summary: 'Download a built public site as a zip (coordinators)', tags: ['publication'],
      params: z.object({ caseId: idParam, siteId: idParam }), responseDescription: 'application/zip',
    },
    async (_c, { params, auth }) => {
      await requireCaseRole(callerOf(deps, auth), params.caseId, 'coordinator');
      const zip = (await siteBuild(deps.vault.db, params.caseId, params.siteId))?.zip;
      if (!zip || !existsSync(zip)) throw notFound(`no site ${params.siteId} of case ${params.caseId} to download`, { where: 'params.siteId' });
      return new Response(Readable.toWeb(createReadStream(zip)) as ReadableStream, {
        headers: {
          'content-type': 'application/zip', 'content-length': String(statSync(zip).size),
          'content-disposition': `attachment; filename="public-site-case-${params.caseId}-${params.siteId}.zip"`, 'cache-control': 'private, no-store',
        },
      });
    },
  );
}
