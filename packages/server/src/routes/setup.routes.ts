import { forbidden, conflict } from '@custodia/core';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { displayNameSchema, passwordSchema, usernameSchema } from '../accounts/account.types.js';
import { createUser } from '../accounts/create-user.use-case.js';
import { openSession } from '../accounts/sign-in.use-case.js';
import { defineRoute } from '../http/define-route.js';
import { setSessionCookie } from '../http/session-cookie.js';
import { sessionResponse, toUserDto } from './session.schemas.js';

export function registerSetupRoutes(app: ServerApp, deps: AppDeps): void {
  defineRoute(
    app,
    deps,
    {
      method: 'get',
      path: '/api/setup',
      summary: 'Whether the first administrator still has to be created',
      tags: ['auth'],
      auth: 'public',
      response: z.object({ needed: z.boolean() }),
    },
    async () => ({ needed: (await deps.accounts.countUsers()) === 0 }),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'post',
      path: '/api/setup',
      summary: 'Create the first administrator with the one-time setup code printed on the server console',
      tags: ['auth'],
      auth: 'public',
      status: 201,
      body: z.object({ setupCode: z.string().min(1).max(100), username: usernameSchema, displayName: displayNameSchema, password: passwordSchema }),
      response: sessionResponse,
    },
    async (c, { body }) => {
      if ((await deps.accounts.countUsers()) > 0) throw conflict('setup is done: an administrator exists');
      if (!(await deps.setup.matches(body.setupCode))) throw forbidden('wrong setup code (it is printed on the server console)', { where: 'body.setupCode' });
      const { user } = await createUser(
        { db: deps.vault.db, ledger: deps.vault.ledger, accounts: deps.accounts, passwords: deps.passwords, secrets: deps.secrets },
        { username: body.username, displayName: body.displayName, password: body.password, isAdmin: true },
        `user:${body.username}`,
        async (tx) => {
          // Two racing setups: only the first one's user may exist.
          const n = await deps.accounts.countUsers(tx);
          if (n !== 1) throw conflict('setup is done: an administrator exists');
        },
      );
      await deps.setup.consume();
      // An administrator must have a second factor: the first session can only enrol one.
      const s = await openSession(deps, user, true);
      setSessionCookie(c, s.token, s.session.expiresAt);
      return { user: toUserDto(user), csrfToken: s.session.csrfToken, restricted: true };
    },
  );
}
