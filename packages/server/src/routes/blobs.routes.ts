import { notFound, invalid } from '@custodia/core';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { defineRoute } from '../http/define-route.js';
import { sha256Param } from '../http/validate.js';

const TYPES: Record<string, string> = { proxy: 'video/mp4', poster: 'image/jpeg', filmstrip: 'image/jpeg' };

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` (one range); null when absent, 'unsatisfiable' when out of bounds. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

export function registerBlobRoutes(app: ServerApp, deps: AppDeps): void {
  defineRoute(
    app,
    deps,
    {
      method: 'get',
      path: '/api/blobs/:sha256',
      summary: 'Bytes of a derivative (proxy, poster, filmstrip) with HTTP Range support, for members of a case holding its original',
      tags: ['evidence'],
      params: z.object({ sha256: sha256Param }),
      responseDescription: 'the bytes (200, or 206 for a Range request); originals are not served',
    },
    async (c, { params, auth }) => {
      // Walk from the derivative to the originals it was made from (through a salvaged copy), and
      // find a case holding one that the user may see. Anything else is "not found".
      const r = await deps.vault.db.query<{ kind: string; allowed: boolean }>(
        `WITH RECURSIVE chain(sha256, depth) AS (
           SELECT source_sha256, 1 FROM derivatives WHERE sha256 = $1
           UNION SELECT d.source_sha256, c.depth + 1 FROM derivatives d JOIN chain c ON d.sha256 = c.sha256 WHERE c.depth < 4)
         SELECT (SELECT kind FROM derivatives WHERE sha256 = $1 ORDER BY id LIMIT 1) AS kind,
                EXISTS (SELECT 1 FROM items i WHERE i.sha256 IN (SELECT sha256 FROM chain)
                        AND ($3 OR i.case_id IN (SELECT case_id FROM memberships WHERE user_id = $2))
                        -- a protected item (ADR 0021) counts only for holders of the source-identity grant
                        AND (NOT EXISTS (SELECT 1 FROM protected_items pi WHERE pi.item_id = i.id)
                             OR i.case_id IN (SELECT case_id FROM memberships WHERE user_id = $2 AND 'source-identity' = ANY(grants)))) AS allowed`,
        [params.sha256, auth.user.id, auth.user.isAdmin],
      );
      const row = r.rows[0];
      if (!row?.kind || !row.allowed || row.kind === 'salvage') throw notFound(`no derivative ${params.sha256} that you may see`, { where: 'params.sha256' });
      const size = await deps.vault.blobs.size(params.sha256);
      if (size === null) throw notFound(`the blob ${params.sha256} is missing from the blob store`, { where: 'params.sha256' });
      const headers: Record<string, string> = {
        'content-type': TYPES[row.kind] ?? 'application/octet-stream',
        'accept-ranges': 'bytes',
        'cache-control': 'private, max-age=86400, immutable',
        etag: `"${params.sha256}"`,
      };
      const range = parseRange(c.req.header('range'), size);
      if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } });
      if (c.req.header('if-none-match') === headers.etag && !range) return new Response(null, { status: 304, headers });
      if (c.req.header('range') && !range) throw invalid('only one byte range (bytes=a-b) is supported', { where: 'header.range' });
      const start = range?.start ?? 0;
      const end = range?.end ?? size - 1;
      const body = size === 0 ? null : (Readable.toWeb(deps.vault.blobs.read(params.sha256, { start, end })) as ReadableStream);
      return new Response(body, {
        status: range ? 206 : 200,
        headers: { ...headers, 'content-length': String(size === 0 ? 0 : end - start + 1), ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}) },
      });
    },
  );
}
