import { mkdtemp, rename, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { checkSource, createSource, forbidden, ingest, invalid, requireCaseRole, seesSource, SOURCE_KINDS, type SourceContent } from '@custodia/core';
import { checkStructure, isZipArchive, openChecked, readZip, sniff, totalSize, walkFs } from '@custodia/acquire';
import { BlobSourceText } from '@custodia/store';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { sourceSchema } from '../accountability/accountability.schemas.js';
import { callerOf, docRepos } from '../documentation/documentation-context.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';
import { MultipartTooLarge, receiveMultipart, type MultipartBody } from '../http/multipart-stream.js';

const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The largest captured copy taken from the browser (a page, a document, a short video); larger ones go through `custodia ingest`. */
export const MAX_CAPTURED_COPY_BYTES = 64 * 1024 * 1024;
/** The whole body: the copy and its few fields. */
const MAX_BODY_BYTES = MAX_CAPTURED_COPY_BYTES + 1024 * 1024;

const field = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * A source with its captured copy uploaded from the browser (ADR 0021): the file streams to a
 * temporary file, is preserved by the ordinary ingest (one acquisition: hashed, stored once,
 * ledgered), then the source is recorded citing it. Everything is checked before a byte is stored. `protect=1` (holders of the
 * source-identity grant only) makes the copy a protected item from the start, stored under a
 * neutral name so that the ingest's ledger entry does not name it either.
 */
export function registerAccountabilityUploadRoutes(app: ServerApp, deps: AppDeps): void {
  const repos = { ...docRepos(deps), texts: new BlobSourceText(deps.vault.blobs) };
  const tooLarge = (name: string | null) =>
    invalid(`${name === null ? 'the captured copy' : `"${name}"`} is larger than ${MAX_CAPTURED_COPY_BYTES / 1048576} MiB: preserve it with "custodia ingest" and cite the item`, { where: 'file' });
  defineRoute(app, deps, {
    method: 'post', path: '/api/cases/:caseId/sources/upload', tags: ['accountability'], status: 201,
    summary: `Record a source with its captured copy uploaded as multipart/form-data (file, kind, title, publisher, url, publishedOn, retrievedAt, protect); at most ${MAX_CAPTURED_COPY_BYTES / 1048576} MiB; the copy is preserved as an evidence item (hashed, ledgered)`,
    params: z.object({ caseId: idParam }), response: z.object({ source: sourceSchema }),
  }, async (c, { params, auth }) => {
    const caller = callerOf(deps, auth);
    const access = await requireCaseRole(caller, params.caseId, 'analyst');
    // A refusal that comes before the client has sent everything closes the connection after it,
    // so that no client reuses a connection still carrying the rest of the refused body.
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (declared > MAX_BODY_BYTES) {
      c.header('connection', 'close');
      throw tooLarge(null);
    }
    const contentType = c.req.header('content-type') ?? '';
    if (!contentType.startsWith('multipart/form-data')) {
      c.header('connection', 'close');
      throw invalid('send the captured copy as multipart/form-data with a "file" field', { where: 'body' });
    }

    const dir = await mkdtemp(join(tmpdir(), 'custodia-captured-'));
    try {
      // The file streams to a temporary file as it arrives (never whole in memory), bounded while it
      // streams; the fields are checked once the body has been read, before a byte is stored.
      const received = join(dir, 'upload');
      let form: MultipartBody;
      try {
        form = await receiveMultipart(c.req.raw.body, contentType, {
          fileField: 'file', filePath: received, maxBody: MAX_BODY_BYTES, maxFile: MAX_CAPTURED_COPY_BYTES,
          declaredLength: Number.isFinite(declared) ? declared : null,
        });
      } catch (e) {
        c.header('connection', 'close');
        if (e instanceof MultipartTooLarge) throw tooLarge(e.fileName);
        throw e;
      }
      const file = form.file;
      if (!file) throw invalid('no file: choose the captured copy to upload', { where: 'file' });
      if (file.size === 0) throw invalid(`"${file.name}" is empty`, { where: 'file' });
      const kind = field(form.fields.kind) ?? 'web-page';
      if (!(SOURCE_KINDS as readonly string[]).includes(kind)) throw invalid(`"${kind}" is not a kind of source (${SOURCE_KINDS.join(', ')})`, { where: 'kind' });
      const protect = form.fields.protect === '1' || form.fields.protect === 'true';
      if (protect && !seesSource(access)) throw forbidden('protecting a captured copy needs the source-identity grant', { where: 'protect' });
      const retrievedAt = field(form.fields.retrievedAt) ?? new Date().toISOString();
      const draft: SourceContent = {
        kind: kind as SourceContent['kind'],
        title: field(form.fields.title) ?? '',
        publisher: field(form.fields.publisher),
        url: field(form.fields.url),
        publishedOn: field(form.fields.publishedOn),
        retrievedAt,
        itemId: null,
      };
      const { content } = await checkSource(repos, params.caseId, draft);

      const kase = (await deps.vault.db.query<{ name: string }>('SELECT name FROM cases WHERE id = $1', [params.caseId])).rows[0]!;
      const ext = /\.[A-Za-z0-9]{1,8}$/.exec(file.name)?.[0] ?? '';
      const name = protect ? `captured-copy${ext}` : file.name.replace(/[/\\\0]/g, '_').slice(0, 200) || `captured-copy${ext}`;
      const path = join(dir, name);
      await rename(received, path);
      const actor = `user:${auth.user.username}`;
      // A protected copy is protected in the transaction that records its item (ADR 0031): it is
      // never listed to members without the grant, not even for a moment.
      const r = await ingest(
        {
          caseName: kase.name, roots: [path], again: true, maxArchiveDepth: 0,
          sourceLabel: 'captured copy of a source, uploaded in the workspace', note: protect ? null : `source "${content.title}"`,
          operator: actor, host: hostname(), toolVersion: VERSION, protect,
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
      return { source: await createSource(repos, caller, params.caseId, { ...content, itemId: Number(item.id) }) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
