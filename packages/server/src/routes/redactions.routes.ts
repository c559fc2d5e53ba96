import {
  createRedaction,
  getRedaction,
  listRedactions,
  notFound,
  invalid,
  requestRedactionRender,
  requireCaseRole,
  reviewRedaction,
  suggestRedactionBoxes,
  updateRedaction,
  type Caller,
  type Redaction,
} from '@custodia/core';
import type { MediaProbe } from '@custodia/media';
import { overlayRegions } from '@custodia/pipeline';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { callerOf } from '../documentation/documentation-context.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';
import { permissions, redactionContext } from '../redaction/redaction-context.js';
import {
  newRedactionSchema,
  redactionChangeSchema,
  redactionOut,
  redactionSchema,
  renderSchema,
  reviewSchema,
  suggestionsSchema,
} from '../redaction/redaction.schemas.js';
import { parseRange } from './blobs.routes.js';

export function registerRedactionRoutes(app: ServerApp, deps: AppDeps): void {
  const ctx = redactionContext(deps);
  const out = async (caller: Caller, r: Redaction) => redactionOut(r, await permissions(caller, r));
  const one = z.object({ redaction: redactionSchema });

  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/items/:itemId/redactions', summary: 'Redactions of an item (current versions), for members of its case', tags: ['redactions'],
      params: z.object({ itemId: idParam }), response: z.object({ redactions: z.array(redactionSchema) }),
    },
    async (_c, { params, auth }) => {
      const caller = callerOf(deps, auth);
      const list = await listRedactions(ctx, caller, params.itemId);
      return { redactions: await Promise.all(list.map((r) => out(caller, r))) };
    },
  );
  defineRoute(
    app,
    deps,
    {
      method: 'post', path: '/api/items/:itemId/redactions', summary: 'Start a redaction of an item with a recipe (custodia-redaction/1); analysts and above; ledgered', tags: ['redactions'], status: 201,
      params: z.object({ itemId: idParam }), body: newRedactionSchema, response: one,
    },
    async (_c, { params, body, auth }) => {
      const caller = callerOf(deps, auth);
      return { redaction: await out(caller, await createRedaction(ctx, caller, params.itemId, { recipe: body.recipe, ...(body.title !== undefined ? { title: body.title } : {}) })) };
    },
  );
  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/items/:itemId/redaction-suggestions', summary: 'Keyframed boxes over the faces detected in the item, and the overlay regions kept visible', tags: ['redactions'],
      params: z.object({ itemId: idParam }), query: z.object({ padding: z.coerce.number().min(0).max(2).optional() }), response: suggestionsSchema,
    },
    async (_c, { params, query, auth }) => {
      const caller = callerOf(deps, auth);
      const s = await suggestRedactionBoxes(ctx, caller, params.itemId, query.padding !== undefined ? { padding: query.padding } : {});
      const [item] = await ctx.items.itemRefs([params.itemId]);
      const probe = item?.sha256 ? await deps.vault.media.probeOf(item.sha256) : null;
      const regions = item?.sha256 && probe?.status === 'ok' ? await overlayRegions(deps.vault, item.sha256, probe.facts as unknown as MediaProbe) : [];
      return { ...s, overlayRegions: [...regions] };
    },
  );
  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/cases/:caseId/redactions', summary: 'Redactions of a case; publishable=true: only approved ones with an output (what may be published)', tags: ['redactions'],
      params: z.object({ caseId: idParam }), query: z.object({ publishable: z.enum(['true', 'false']).optional() }), response: z.object({ redactions: z.array(redactionSchema) }),
    },
    async (_c, { params, query, auth }) => {
      const caller = callerOf(deps, auth);
      await requireCaseRole(caller, params.caseId, 'observer');
      const list = query.publishable === 'true' ? await ctx.redactions.publishable(params.caseId) : await ctx.redactions.redactionsOfCase(params.caseId);
      return { redactions: await Promise.all(list.map((r) => out(caller, r))) };
    },
  );
  defineRoute(
    app,
    deps,
    { method: 'get', path: '/api/redactions/:redactionId', summary: 'A redaction', tags: ['redactions'], params: z.object({ redactionId: idParam }), response: one },
    async (_c, { params, auth }) => {
      const caller = callerOf(deps, auth);
      return { redaction: await out(caller, await getRedaction(ctx, caller, params.redactionId)) };
    },
  );
  defineRoute(
    app,
    deps,
    {
      method: 'patch', path: '/api/redactions/:redactionId', summary: 'Edit the recipe or title: a new version back to draft (render and approval reset); send version to refuse a stale edit; ledgered', tags: ['redactions'],
      params: z.object({ redactionId: idParam }), body: redactionChangeSchema, response: one,
    },
    async (_c, { params, body, auth }) => {
      const caller = callerOf(deps, auth);
      const change = { ...(body.title !== undefined ? { title: body.title } : {}), ...(body.recipe !== undefined ? { recipe: body.recipe } : {}), ...(body.version !== undefined ? { version: body.version } : {}) };
      return { redaction: await out(caller, await updateRedaction(ctx, caller, params.redactionId, change)) };
    },
  );
  defineRoute(
    app,
    deps,
    {
      method: 'post', path: '/api/redactions/:redactionId/render',
      summary: 'Queue the render of the current version (202, status queued; a worker renders it: poll the redaction for rendering, rendered or failed with the reason); the same recipe, source and ffmpeg reuse one render; the output is a new blob; ledgered',
      tags: ['redactions'], status: 202,
      params: z.object({ redactionId: idParam }), body: renderSchema, response: one,
    },
    async (_c, { params, body, auth }) => {
      const caller = callerOf(deps, auth);
      const r = await requestRedactionRender({ redactions: ctx.redactions, tool: ctx.tool, items: ctx.items }, caller, params.redactionId, body.version !== undefined ? { version: body.version } : {});
      return { redaction: await out(caller, r) };
    },
  );
  for (const decision of ['approve', 'reject'] as const) {
    defineRoute(
      app,
      deps,
      {
        method: 'post', path: `/api/redactions/:redactionId/${decision}`,
        summary: `${decision === 'approve' ? 'Approve' : 'Reject'} the rendered output: a reviewer or above who neither wrote the recipe nor rendered it; ledgered`, tags: ['redactions'],
        params: z.object({ redactionId: idParam }), body: reviewSchema, response: one,
      },
      async (_c, { params, body, auth }) => {
        const caller = callerOf(deps, auth);
        const input = { ...(body.note !== undefined ? { note: body.note } : {}), ...(body.version !== undefined ? { version: body.version } : {}) };
        return { redaction: await out(caller, await reviewRedaction(ctx, caller, params.redactionId, decision, input)) };
      },
    );
  }
  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/redactions/:redactionId/output', summary: 'The rendered output (video/mp4) with HTTP Range support, for members of the case', tags: ['redactions'],
      params: z.object({ redactionId: idParam }), responseDescription: 'the bytes (200, or 206 for a Range request)',
    },
    async (c, { params, auth }) => {
      const r = await getRedaction(ctx, callerOf(deps, auth), params.redactionId);
      if (!r.outputSha256) throw notFound(`redaction ${r.id} has no rendered output (it is ${r.status})`, { where: 'params.redactionId' });
      const sha = r.outputSha256;
      const size = await deps.vault.blobs.size(sha);
      if (size === null) throw notFound(`the blob ${sha} is missing from the blob store`, { where: 'params.redactionId' });
      const headers: Record<string, string> = { 'content-type': 'video/mp4', 'accept-ranges': 'bytes', 'cache-control': 'private, max-age=86400, immutable', etag: `"${sha}"` };
      const range = parseRange(c.req.header('range'), size);
      if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } });
      if (c.req.header('if-none-match') === headers.etag && !range) return new Response(null, { status: 304, headers });
      if (c.req.header('range') && !range) throw invalid('only one byte range (bytes=a-b) is supported', { where: 'header.range' });
      const start = range?.start ?? 0;
      const end = range?.end ?? size - 1;
      const body = size === 0 ? null : (Readable.toWeb(deps.vault.blobs.read(sha, { start, end })) as ReadableStream);
      return new Response(body, {
        status: range ? 206 : 200,
        headers: { ...headers, 'content-length': String(size === 0 ? 0 : end - start + 1), ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}) },
      });
    },
  );
}
