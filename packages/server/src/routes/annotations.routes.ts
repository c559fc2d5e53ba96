import { annotationHistory, createAnnotation, deleteAnnotation, listAnnotations, updateAnnotation } from '@custodia/core';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { callerOf, docRepos } from '../documentation/documentation-context.js';
import {
  annotationChangeSchema,
  annotationOut,
  annotationSchema,
  annotationVersionOut,
  annotationVersionSchema,
  newAnnotationSchema,
} from '../documentation/documentation.schemas.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';
import { stripUndefined } from './taxonomy.routes.js';

export function registerAnnotationRoutes(app: ServerApp, deps: AppDeps): void {
  const repos = docRepos(deps);
  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/items/:itemId/annotations', summary: 'Annotations of an item (current versions; deleted ones with deleted=true)', tags: ['annotations'],
      params: z.object({ itemId: idParam }), query: z.object({ deleted: z.enum(['true', 'false']).optional() }), response: z.object({ annotations: z.array(annotationSchema) }),
    },
    async (_c, { params, query, auth }) => ({
      annotations: (await listAnnotations(repos, callerOf(deps, auth), params.itemId, query.deleted === 'true')).map(annotationOut),
    }),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'post', path: '/api/items/:itemId/annotations', summary: 'Annotate a time range of an item (analysts and above); ledgered', tags: ['annotations'], status: 201,
      params: z.object({ itemId: idParam }), body: newAnnotationSchema, response: z.object({ annotation: annotationSchema }),
    },
    async (_c, { params, body, auth }) => ({ annotation: annotationOut(await createAnnotation(repos, callerOf(deps, auth), params.itemId, body)) }),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'patch', path: '/api/annotations/:annotationId', summary: 'Edit an annotation: a new version, the old kept (send version to refuse a stale edit); ledgered', tags: ['annotations'],
      params: z.object({ annotationId: idParam }), body: annotationChangeSchema, response: z.object({ annotation: annotationSchema }),
    },
    async (_c, { params, body, auth }) => {
      const { version, ...change } = body;
      return { annotation: annotationOut(await updateAnnotation(repos, callerOf(deps, auth), params.annotationId, stripUndefined(change), version)) };
    },
  );
  defineRoute(
    app,
    deps,
    {
      method: 'delete', path: '/api/annotations/:annotationId', summary: 'Delete an annotation: a last version marked deleted, history kept; ledgered', tags: ['annotations'],
      params: z.object({ annotationId: idParam }), query: z.object({ version: z.coerce.number().int().positive().optional() }), response: z.object({ annotation: annotationSchema }),
    },
    async (_c, { params, query, auth }) => ({ annotation: annotationOut(await deleteAnnotation(repos, callerOf(deps, auth), params.annotationId, query.version)) }),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/annotations/:annotationId/versions', summary: 'Every version of an annotation, oldest first', tags: ['annotations'],
      params: z.object({ annotationId: idParam }), response: z.object({ versions: z.array(annotationVersionSchema) }),
    },
    async (_c, { params, auth }) => ({ versions: (await annotationHistory(repos, callerOf(deps, auth), params.annotationId)).map(annotationVersionOut) }),
  );
}
