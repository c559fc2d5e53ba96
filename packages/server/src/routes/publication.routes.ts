import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { getPublication, listPublications, markPublic, notFound, requireCaseRole, unavailable, unmarkPublic } from '@custodia/core';
import { locateMediaTools, posterFrame, type MediaTools } from '@custodia/media';
import { buildPublicSite } from '@custodia/store';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { callerOf, docRepos } from '../documentation/documentation-context.js';
import {
  publicationDetailSchema, publicationMarkSchema, publicationOut, publicationSchema, publishableOut, siteBuildSchema,
} from '../documentation/publication.schemas.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';

/** The tool version the site's manifests name (the server package's own). */
const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The offline verifier bundle (scripts/build-verifier.mjs, part of `npm run build`). */
function verifierBundle(): string {
  try {
    return fileURLToPath(import.meta.resolve('@custodia/verify/bundle'));
  } catch {
    return fileURLToPath(new URL('../../../verify/dist/verify.js', import.meta.url));
  }
}

interface BuildRow { id: number; incidents: number; videos: number; username: string; built_at: Date; ledger_seq: number; zip: string | null }
const buildOut = (b: BuildRow, caseId: number) => ({
  id: Number(b.id), incidents: b.incidents, videos: b.videos, builtBy: b.username, builtAt: new Date(b.built_at).toISOString(), ledgerSeq: Number(b.ledger_seq),
  zipBytes: b.zip && existsSync(b.zip) ? statSync(b.zip).size : null, download: `/api/cases/${caseId}/sites/${b.id}/zip`,
});

export function registerPublicationRoutes(app: ServerApp, deps: AppDeps): void {
  const repos = docRepos(deps);
  let tools: Promise<MediaTools> | null = null;
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
      const r = await deps.vault.db.query<BuildRow>(
        'SELECT b.id, b.incidents, b.videos, u.username, b.built_at, b.ledger_seq, b.zip FROM site_builds b JOIN users u ON u.id = b.built_by WHERE b.case_id = $1 ORDER BY b.id DESC LIMIT 20',
        [params.caseId],
      );
      return { publications: publications.map(publicationOut), sites: r.rows.map((b) => buildOut(b, params.caseId)) };
    },
  );
  defineRoute(
    app, deps,
    {
      method: 'post', path: '/api/cases/:caseId/sites',
      summary: 'Build the public static site of the case (coordinators) into the instance\'s data folder, with a zip to download; ledgered', tags: ['publication'], status: 201,
      params: z.object({ caseId: idParam }), response: z.object({ site: siteBuildSchema, skipped: z.array(z.object({ incident: z.number(), redaction: z.number().nullable(), reason: z.string() })), warnings: z.array(z.string()) }),
    },
    async (_c, { params, auth }) => {
      await requireCaseRole(callerOf(deps, auth), params.caseId, 'coordinator');
      tools ??= locateMediaTools().catch((e: Error) => {
        tools = null;
        throw unavailable(`ffmpeg is needed for the posters: ${e.message}`);
      });
      const media = await tools;
      const root = join(deps.vault.config.home, 'sites');
      await mkdir(root, { recursive: true });
      // Two builds within the same second (a double click, two coordinators) get folders of their own.
      const name = `case-${params.caseId}-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${auth.user.id}-${randomBytes(4).toString('hex')}`;
      const r = await buildPublicSite(deps.vault, {
        caseId: params.caseId, outDir: join(root, name), zip: true, actor: `user:${auth.user.username}`, verifierBundle: verifierBundle(), toolVersion: VERSION,
        poster: (video, out) => posterFrame(media, video, out),
      });
      const row = await deps.vault.db.query<{ id: number }>(
        'INSERT INTO site_builds (case_id, dir, zip, incidents, videos, built_by, ledger_seq) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
        [params.caseId, r.dir, r.zip, r.incidents, r.videos, auth.user.id, r.ledgerSeq],
      );
      const b: BuildRow = { id: row.rows[0]!.id, incidents: r.incidents, videos: r.videos, username: auth.user.username, built_at: new Date(), ledger_seq: r.ledgerSeq, zip: r.zip };
      return { site: buildOut(b, params.caseId), skipped: r.skipped, warnings: r.warnings };
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
      const r = await deps.vault.db.query<{ zip: string | null }>('SELECT zip FROM site_builds WHERE id = $1 AND case_id = $2', [params.siteId, params.caseId]);
      const zip = r.rows[0]?.zip;
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
