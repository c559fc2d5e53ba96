import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { checkSource, createSource, forbidden, ingest, invalid, requireCaseRole, seesSource, SOURCE_KINDS, type SourceContent } from '@custodia/core';
import { checkStructure, isZipArchive, openChecked, readZip, sniff, totalSize, walkFs } from '@custodia/acquire';
import { BlobSourceText } from '@custodia/store';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { sourceSchema } from '../accountability/accountability.schemas.js';
import { callerOf, docRepos } from '../documentation/documentation-context.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';

const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The largest captured copy taken from the browser (a page, a document, a short video); larger ones go through `custodia ingest`. */
export const MAX_CAPTURED_COPY_BYTES = 64 * 1024 * 1024;

const field = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * A source with its captured copy uploaded from the browser (ADR 0021): the file is preserved by
 * the ordinary ingest (one acquisition: hashed, stored once, ledgered), then the source is recorded
 * citing it. Everything is checked before a byte is stored. `protect=1` (holders of the
 * source-identity grant only) makes the copy a protected item from the start, stored under a
 * neutral name so that the ingest's ledger entry does not name it either.
 */
export function registerAccountabilityUploadRoutes(app: ServerApp, deps: AppDeps): void {
  const repos = { ...docRepos(deps), texts: new BlobSourceText(deps.vault.blobs) };
  // The body is cut off while it streams in, whatever Content-Length says (or without one).
  app.use(
    '/api/cases/:caseId/sources/upload',
    bodyLimit({
      maxSize: MAX_CAPTURED_COPY_BYTES + 1024 * 1024,
      // The refusal comes before the client has sent everything: the connection is closed after it,
      // so that no client reuses a connection still carrying the rest of the refused body.
      onError: (c) =>
        c.json({ error: { code: 'Invalid', message: `the captured copy is larger than ${MAX_CAPTURED_COPY_BYTES / 1048576} MiB: preserve it with "custodia ingest" and cite the item`, where: 'file' } }, 400, { connection: 'close' }),
    }),
  );
  defineRoute(app, deps, {
    method: 'post', path: '/api/cases/:caseId/sources/upload', tags: ['accountability'], status: 201,
    summary: `Record a source with its captured copy uploaded as multipart/form-data (file, kind, title, publisher, url, publishedOn, retrievedAt, protect); at most ${MAX_CAPTURED_COPY_BYTES / 1048576} MiB; the copy is preserved as an evidence item (hashed, ledgered)`,
    params: z.object({ caseId: idParam }), response: z.object({ source: sourceSchema }),
  }, async (c, { params, auth }) => {
    const caller = callerOf(deps, auth);
    const access = await requireCaseRole(caller, params.caseId, 'analyst');
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (declared > MAX_CAPTURED_COPY_BYTES + 1024 * 1024) throw invalid(`the captured copy is larger than ${MAX_CAPTURED_COPY_BYTES / 1048576} MiB: preserve it with "custodia ingest" and cite the item`, { where: 'file' });
    if (!(c.req.header('content-type') ?? '').startsWith('multipart/form-data')) throw invalid('send the captured copy as multipart/form-data with a "file" field', { where: 'body' });
    const form = await c.req.parseBody();
    const file = form.file;
    if (!(file instanceof File)) throw invalid('no file: choose the captured copy to upload', { where: 'file' });
    if (file.size === 0) throw invalid(`"${file.name}" is empty`, { where: 'file' });
    if (file.size > MAX_CAPTURED_COPY_BYTES) throw invalid(`"${file.name}" is larger than ${MAX_CAPTURED_COPY_BYTES / 1048576} MiB: preserve it with "custodia ingest" and cite the item`, { where: 'file' });
    const kind = field(form.kind) ?? 'web-page';
    if (!(SOURCE_KINDS as readonly string[]).includes(kind)) throw invalid(`"${kind}" is not a kind of source (${SOURCE_KINDS.join(', ')})`, { where: 'kind' });
    const protect = form.protect === '1' || form.protect === 'true';
    if (protect && !seesSource(access)) throw forbidden('protecting a captured copy needs the source-identity grant', { where: 'protect' });
    const retrievedAt = field(form.retrievedAt) ?? new Date().toISOString();
    const draft: SourceContent = {
      kind: kind as SourceContent['kind'],
      title: field(form.title) ?? '',
      publisher: field(form.publisher),
      url: field(form.url),
      publishedOn: field(form.publishedOn),
      retrievedAt,
      itemId: null,
    };
    const { content } = await checkSource(repos, params.caseId, draft);

    const kase = (await deps.vault.db.query<{ name: string }>('SELECT name FROM cases WHERE id = $1', [params.caseId])).rows[0]!;
    const dir = await mkdtemp(join(tmpdir(), 'custodia-captured-'));
    try {
      const ext = /\.[A-Za-z0-9]{1,8}$/.exec(file.name)?.[0] ?? '';
      const name = protect ? `captured-copy${ext}` : file.name.replace(/[/\\\0]/g, '_').slice(0, 200) || `captured-copy${ext}`;
      const path = join(dir, name);
      await writeFile(path, Buffer.from(await file.arrayBuffer()));
      const actor = `user:${auth.user.username}`;
      const r = await ingest(
        {
          caseName: kase.name, roots: [path], again: true, maxArchiveDepth: 0,
          sourceLabel: 'captured copy of a source, uploaded in the workspace', note: protect ? null : `source "${content.title}"`,
          operator: actor, host: hostname(), toolVersion: VERSION,
        },
        {
          repo: deps.vault.repo, blobs: deps.vault.blobs,
          reader: { walk: walkFs, totalSize, open: openChecked, sniff, checkStructure, isArchive: isZipArchive, readArchive: readZip },
        },
      );
      const item = (await deps.vault.db.query<{ id: number; status: string; reason: string | null }>(
        'SELECT id, status, reason FROM items WHERE acquisition_id = $1 AND parent_id IS NULL ORDER BY id LIMIT 1', [r.acquisition.id],
      )).rows[0];
      if (!item) throw invalid(`"${file.name}" could not be preserved: ${r.problems.map((p) => p.reason).join('; ') || 'no item recorded'}`, { where: 'file' });
      if (protect) {
        await deps.vault.db.query('INSERT INTO protected_items (item_id, case_id) VALUES ($1, $2) ON CONFLICT (item_id) DO NOTHING', [item.id, params.caseId]);
      }
      return { source: await createSource(repos, caller, params.caseId, { ...content, itemId: Number(item.id) }) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
