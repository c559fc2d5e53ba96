import type { Context } from 'hono';
import type { z } from 'zod';
import type { AppDeps, AppEnv, AuthState, ServerApp } from '../app-env.js';
import { requireSession, requireUser } from '../auth/access.js';
import type { Method } from './openapi.registry.js';
import { parseBody, parseParams, parseQuery } from './validate.js';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteDef<P, Q, B, R> {
  method: Method;
  /** Hono-style path under /api, e.g. `/api/cases/:caseId/items`. */
  path: string;
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** The JSON response's schema. Leave out when the handler returns its own Response (bytes, 204). */
  response?: R;
  /** Success status for JSON responses (default 200). */
  status?: 200 | 201 | 202;
  /**
   * `user` (default): a signed-in user with a full session. `session`: a restricted session is
   * enough (second-factor enrolment). `public`: no session needed (setup, sign-in).
   */
  auth?: 'user' | 'session' | 'public';
  responseDescription?: string;
}

export interface RouteInput<P, Q, B> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  /** The signed-in user and session (null only on `public` routes). */
  auth: AuthState;
  deps: AppDeps;
}

/**
 * Adds a route and registers its schemas for the OpenAPI document, in one call. The handler only
 * parses (done here), authorises (`requireCaseRole`) and calls a use case; errors it throws are
 * mapped to statuses by the app's error handler.
 *
 *   defineRoute(app, deps, {
 *     method: 'get', path: '/api/cases/:caseId/views', summary: 'Saved views', tags: ['views'],
 *     params: z.object({ caseId: idParam }), response: z.object({ views: z.array(viewSchema) }),
 *   }, async (c, { params }) => {
 *     await requireCaseRole(c, params.caseId, 'observer');
 *     return { views: await repo.list(params.caseId) };
 *   });
 */
export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(
  app: ServerApp,
  deps: AppDeps,
  def: RouteDef<P, Q, B, R>,
  handler: (c: Context<AppEnv>, input: RouteInput<P, Q, B>) => Promise<R extends z.ZodType ? z.input<R> | Response : Response>,
): void {
  const auth = def.auth ?? 'user';
  deps.openapi.add({
    method: def.method,
    path: def.path,
    summary: def.summary,
    tags: def.tags,
    params: def.params,
    query: def.query,
    body: def.body,
    response: def.response,
    status: def.response ? (def.status ?? 200) : 200,
    auth: auth !== 'public',
    responseDescription: def.responseDescription,
  });
  app.on(def.method.toUpperCase(), def.path, async (c) => {
    const state = auth === 'public' ? (c.get('auth') as AuthState) : auth === 'session' ? requireSession(c) : requireUser(c);
    const input = {
      params: (def.params ? parseParams(c, def.params) : undefined) as Out<P>,
      query: (def.query ? parseQuery(c, def.query) : undefined) as Out<Q>,
      body: (def.body ? await parseBody(c, def.body) : undefined) as Out<B>,
      auth: state,
      deps,
    };
    const out = await handler(c, input);
    if (out instanceof Response) return out;
    const schema = def.response as z.ZodType | undefined;
    // Responses go out through their schema: fields a schema does not name are dropped, so a
    // protected field cannot leak by being added to a record later.
    if (!schema) return c.json(out as object, def.status ?? 200);
    const r = schema.safeParse(out);
    if (!r.success) {
      throw new Error(`response of ${def.method.toUpperCase()} ${def.path} does not match its schema: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    return c.json(r.data as object, def.status ?? 200);
  });
}
