import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { Server as TusServer } from '@tus/server';
import { httpStatus, publicMessage } from './http-errors.js';
import type { IntakeService } from './intake.service.js';
import { formRoutes } from './form.routes.js';
import { pullRoutes } from './pull.routes.js';
import { sourceRoutes } from './source.routes.js';

export const PORTAL_DIST = fileURLToPath(new URL('../../portal-dist/', import.meta.url));

/**
 * Scripts only from this origin, WebAssembly allowed (Argon2id and SHA-256 run in wasm), no inline
 * script or style, nothing framed, forms post only here. Tor Browser's "standard" level allows all of this.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
  'cache-control': 'no-store',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The intake's HTTP app. No request logging at all (so no IP address or user agent is ever
 * written), no cookies: the session token travels in the Authorization header.
 */
export function createIntakeApp(service: IntakeService, tus: TusServer, uploadsDir: string, portalDir = PORTAL_DIST): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
  });
  app.onError((e, c) => {
    const status = httpStatus(e);
    if (status === 500) process.stderr.write(`intake: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
    const res = c.json({ error: publicMessage(e) }, status);
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.headers.set(k, v);
    return res;
  });
  app.route('/', sourceRoutes(service, tus));
  app.route('/', pullRoutes(service, uploadsDir));
  app.route('/', formRoutes(service, uploadsDir));
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/', (c) => servePortal(c.req.path, portalDir));
  app.get('/assets/*', (c) => servePortal(c.req.path, portalDir));
  return app;
}

async function servePortal(path: string, dir: string): Promise<Response> {
  const rel = path === '/' ? 'index.html' : normalize(path).replace(/^\/+/, '');
  if (rel.includes('..')) return new Response('not found', { status: 404 });
  try {
    const body = await readFile(join(dir, rel));
    return new Response(new Uint8Array(body), { headers: { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' } });
  } catch {
    if (rel === 'index.html') {
      return new Response('The source portal is not built: run scripts/setup.sh (or use the form at /form).', { status: 503 });
    }
    return new Response('not found', { status: 404 });
  }
}
