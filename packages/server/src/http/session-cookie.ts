import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env.js';
import { SESSION_COOKIE } from './middleware.js';

const secure = (c: Context<AppEnv>): boolean => c.get('deps').settings.secureCookies || new URL(c.req.url).protocol === 'https:';

/** HttpOnly, SameSite=Strict, Path=/, Secure over https; lives as long as the session. */
export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: Date): void {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/', secure: secure(c), expires: expiresAt });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(c), httpOnly: true, sameSite: 'Strict' });
}
