import { forbidden, invalid } from '@custodia/core';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { actorOf, passwordSchema, userSettingsSchema } from '../accounts/account.types.js';
import { base32Decode, matchTotp, newTotpSecret, otpauthUrl } from '../accounts/totp.js';
import { defineRoute } from '../http/define-route.js';
import { okResponse, userSchema, toUserDto } from './session.schemas.js';

export function registerMeRoutes(app: ServerApp, deps: AppDeps): void {
  defineRoute(
    app,
    deps,
    {
      method: 'post',
      path: '/api/me/totp/enrol',
      summary: 'Start setting up a TOTP second factor: a new secret and its otpauth:// URL (for a QR code)',
      tags: ['me'],
      auth: 'session',
      response: z.object({ secret: z.string(), otpauthUrl: z.string() }),
    },
    async (_c, { auth }) => {
      if (auth.user.totpEnabled) throw forbidden('a second factor is already set up for this account');
      const secret = newTotpSecret();
      await deps.accounts.setTotpPending(auth.user.id, deps.secrets.seal(secret));
      return { secret, otpauthUrl: otpauthUrl(`Custodia ${deps.vault.instance.origin}`, auth.user.username, secret) };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'post',
      path: '/api/me/totp/confirm',
      summary: 'Finish setting up TOTP with a current code; a restricted session becomes a full one',
      tags: ['me'],
      auth: 'session',
      body: z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') }),
      response: z.object({ user: userSchema }),
    },
    async (_c, { auth, body }) => {
      const fresh = await deps.accounts.userById(auth.user.id);
      if (!fresh?.totpPendingEnc) throw invalid('start with POST /api/me/totp/enrol', { where: 'body.code' });
      const secret = deps.secrets.open(fresh.totpPendingEnc);
      const step = matchTotp(base32Decode(secret), body.code, deps.clock.now().getTime());
      if (step === null) throw invalid('that code does not match; check the authenticator app and the clock', { where: 'body.code' });
      await deps.vault.db.transaction(async (tx) => {
        await deps.accounts.confirmTotp(tx, auth.user.id, fresh.totpPendingEnc!, step);
        await deps.accounts.unrestrictSession(tx, auth.session.id);
        await deps.vault.ledger.append(tx, { actor: actorOf(auth.user), action: 'totp-enrolled', details: { user: auth.user.id } });
      });
      return { user: toUserDto((await deps.accounts.userById(auth.user.id))!) };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'patch',
      path: '/api/me/settings',
      summary: 'Change personal settings (reveal media without a click, interface language)',
      tags: ['me'],
      body: userSettingsSchema.partial(),
      response: z.object({ user: userSchema }),
    },
    async (_c, { auth, body }) => {
      const next = userSettingsSchema.parse({ ...auth.user.settings, ...body });
      await deps.accounts.setSettings(auth.user.id, next);
      return { user: toUserDto((await deps.accounts.userById(auth.user.id))!) };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'patch',
      path: '/api/me/password',
      summary: 'Change the password (the current one is needed); other sessions are signed out',
      tags: ['me'],
      body: z.object({ current: z.string().min(1).max(1024), next: passwordSchema }),
      response: okResponse,
    },
    async (_c, { auth, body }) => {
      if (!(await deps.passwords.verify(body.current, auth.user.passwordHash))) throw forbidden('the current password is wrong', { where: 'body.current' });
      const hash = await deps.passwords.hash(body.next);
      await deps.vault.db.transaction(async (tx) => {
        await deps.accounts.setPasswordHash(tx, auth.user.id, hash);
        await tx.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL', [auth.user.id, auth.session.id]);
        await deps.vault.ledger.append(tx, { actor: actorOf(auth.user), action: 'password-changed', details: { user: auth.user.id } });
      });
      return { ok: true as const };
    },
  );
}
