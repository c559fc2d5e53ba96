import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { actorOf, passwordSchema } from '../accounts/account.types.js';
import { redeemPasswordReset } from '../accounts/password-reset.use-case.js';
import { signIn } from '../accounts/sign-in.use-case.js';
import { requireSession } from '../auth/access.js';
import { defineRoute } from '../http/define-route.js';
import { clearSessionCookie, setSessionCookie } from '../http/session-cookie.js';
import { okResponse, sessionResponse, toUserDto } from './session.schemas.js';

export function registerSessionRoutes(app: ServerApp, deps: AppDeps): void {
  defineRoute(
    app,
    deps,
    {
      method: 'post',
      path: '/api/session',
      summary: 'Sign in (username, password, and the TOTP code when the account has one)',
      tags: ['auth'],
      auth: 'public',
      body: z.object({
        username: z.string().min(1).max(64),
        password: z.string().min(1).max(1024),
        totp: z.string().regex(/^\d{6}$/, 'six digits').optional(),
      }),
      response: sessionResponse,
    },
    async (c, { body }) => {
      const r = await signIn(deps, body);
      if ('restricted' in r) {
        setSessionCookie(c, r.restricted.token, r.restricted.session.expiresAt);
        return c.json(
          { error: { code: r.error.code, message: r.error.message, requestId: c.get('requestId') }, csrfToken: r.restricted.session.csrfToken, restricted: true },
          r.error.status,
        );
      }
      setSessionCookie(c, r.token, r.session.expiresAt);
      return { user: toUserDto(r.user), csrfToken: r.session.csrfToken, restricted: r.session.restricted };
    },
  );

  defineRoute(
    app,
    deps,
    { method: 'get', path: '/api/session', summary: 'The signed-in user and the CSRF token for writes', tags: ['auth'], auth: 'session', response: sessionResponse },
    async (_c, { auth }) => ({ user: toUserDto(auth.user), csrfToken: auth.session.csrfToken, restricted: auth.session.restricted }),
  );

  defineRoute(
    app,
    deps,
    { method: 'delete', path: '/api/session', summary: 'Sign out', tags: ['auth'], auth: 'session', response: okResponse },
    async (c, { auth }) => {
      await deps.vault.db.transaction(async (tx) => {
        await deps.accounts.revokeSession(tx, auth.session.id);
        await deps.vault.ledger.append(tx, { actor: actorOf(auth.user), action: 'signed-out', details: { user: auth.user.id, session: auth.session.id } });
      });
      clearSessionCookie(c);
      return { ok: true as const };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'post',
      path: '/api/session/revoke-all',
      summary: 'Sign out everywhere: ends every session of the signed-in user, this one included',
      tags: ['auth'],
      auth: 'session',
      response: z.object({ revoked: z.number().int() }),
    },
    async (c, { auth }) => {
      const revoked = await deps.vault.db.transaction(async (tx) => {
        const n = await deps.accounts.revokeAllSessions(tx, auth.user.id);
        await deps.vault.ledger.append(tx, { actor: actorOf(auth.user), action: 'signed-out-everywhere', details: { user: auth.user.id, sessions: n } });
        return n;
      });
      clearSessionCookie(c);
      return { revoked };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'post',
      path: '/api/password-reset',
      summary: 'Set a new password with the one-time reset code an administrator issued (custodia user reset-password); ends every session of the user',
      tags: ['auth'],
      auth: 'public',
      body: z.object({ username: z.string().min(1).max(64), code: z.string().min(1).max(100), password: passwordSchema }),
      response: okResponse,
    },
    async (_c, { body }) => {
      await redeemPasswordReset(deps, body);
      return { ok: true as const };
    },
  );
}
