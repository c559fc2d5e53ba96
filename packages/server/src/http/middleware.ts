import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { forbidden } from '@custodia/core';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppDeps, AppEnv } from '../app-env.js';

export const SESSION_COOKIE = 'custodia_session';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Strict defaults for every response, the API's and the web app's: scripts and styles only from
 * our own origin (no inline scripts), media from our own blobs, never framed, no referrer.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set('content-security-policy', CONTENT_SECURITY_POLICY);
    h.set('x-content-type-options', 'nosniff');
    h.set('referrer-policy', 'no-referrer');
    h.set('x-frame-options', 'DENY');
    h.set('cross-origin-opener-policy', 'same-origin');
    h.set('cross-origin-resource-policy', 'same-origin');
    h.set('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    if (c.req.path.startsWith('/api/') && !h.has('cache-control')) h.set('cache-control', 'no-store');
  };
}

/**
 * A request id and a child logger per request. What is logged: method, matched route, status,
 * duration. Never the client's address, its user agent, the query string (search terms may name
 * people) or bodies.
 */
export function requestContext(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const requestId = randomBytes(8).toString('hex');
    const log = deps.log.child({ requestId });
    c.set('deps', deps);
    c.set('requestId', requestId);
    c.set('log', log);
    c.set('auth', null);
    const t0 = performance.now();
    await next();
    c.res.headers.set('x-request-id', requestId);
    if (c.req.path.startsWith('/api/')) {
      log.info({ method: c.req.method, route: c.req.routePath, status: c.res.status, ms: Math.round(performance.now() - t0) }, 'request');
    }
  };
}

export const tokenHash = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** Loads the session named by the cookie, if it is live; refreshes its last-seen time now and then. */
export function sessionLoader(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token && /^[A-Za-z0-9_-]{43}$/.test(token)) {
      const live = await deps.accounts.liveSession(tokenHash(token), deps.settings.sessionIdleMs);
      if (live) {
        c.set('auth', live);
        if (deps.clock.now().getTime() - live.session.lastSeenAt.getTime() > 60_000) await deps.accounts.touchSession(live.session.id);
      }
    }
    await next();
  };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every state-changing request must come from our own pages: its Origin (when the browser sends
 * one) must be ours, and with a session it must carry the session's CSRF token in a header, which
 * another site cannot read or set. Sign-in and setup have no session yet; they take JSON bodies
 * only, which a cross-site form cannot send, and SameSite=Strict keeps the cookie off cross-site
 * requests in any case.
 */
export function csrfGuard(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!SAFE.has(c.req.method) && c.req.path.startsWith('/api/')) {
      const origin = c.req.header('origin');
      const own = deps.settings.origin ?? new URL(c.req.url).origin;
      if (origin !== undefined && origin !== own) throw forbidden(`cross-origin request refused (Origin ${origin} is not ${own})`, { where: 'header.origin' });
      const auth = c.get('auth');
      if (auth) {
        const sent = Buffer.from(c.req.header(CSRF_HEADER) ?? '');
        const expected = Buffer.from(auth.session.csrfToken);
        if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
          throw forbidden(`missing or wrong ${CSRF_HEADER} header (send the csrfToken the session endpoints return)`, { where: `header.${CSRF_HEADER}` });
        }
      }
    }
    await next();
  };
}
