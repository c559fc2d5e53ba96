import { Hono } from 'hono';
import type { AppDeps, AppEnv, ServerApp } from './app-env.js';
import { toApiError } from './http/http.errors.js';
import { csrfGuard, requestContext, securityHeaders, sessionLoader } from './http/middleware.js';
import { webStatic } from './http/web-static.js';
import { ROUTE_MODULES } from './routes/index.js';

export const SERVER_API_VERSION = '1.0.0';

export interface CreateAppOptions {
  /** The built web app to serve (packages/web/dist); none when null. */
  webDist?: string | null;
}

/**
 * The HTTP app: middleware, every route module, the OpenAPI document, errors mapped in one place.
 * `deps` comes from `composeServer` (the composition root).
 */
export function createApp(deps: AppDeps, opts: CreateAppOptions = {}): ServerApp {
  const app = new Hono<AppEnv>();
  app.use('*', requestContext(deps));
  app.use('*', securityHeaders());
  app.use('/api/*', sessionLoader(deps));
  app.use('/api/*', csrfGuard(deps));

  for (const register of ROUTE_MODULES) register(app, deps);

  app.get('/api/openapi.json', (c) => c.json(deps.openapi.document({ title: 'Custodia workspace API', version: SERVER_API_VERSION })));

  if (opts.webDist) app.use('*', webStatic(opts.webDist));

  app.notFound((c) =>
    c.json({ error: { code: 'not-found', message: `no such endpoint: ${c.req.method} ${c.req.path}`, requestId: c.get('requestId') } }, 404),
  );
  app.onError((err, c) => {
    const { status, body, headers, internal } = toApiError(err);
    const requestId = c.get('requestId');
    if (internal) (c.get('log') ?? deps.log).error({ err, route: c.req.routePath }, 'request failed');
    for (const [k, v] of Object.entries(headers)) c.header(k, v);
    return c.json({ error: { ...body.error, requestId } }, status);
  });
  return app;
}
