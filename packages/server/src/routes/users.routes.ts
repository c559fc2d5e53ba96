import { notFound } from '@custodia/core';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { actorOf, displayNameSchema, passwordSchema, usernameSchema } from '../accounts/account.types.js';
import { createUser } from '../accounts/create-user.use-case.js';
import { requireAdmin } from '../auth/access.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';
import { userSchema, toUserDto } from './session.schemas.js';

export function registerUserRoutes(app: ServerApp, deps: AppDeps): void {
  defineRoute(
    app,
    deps,
    { method: 'get', path: '/api/users', summary: 'Every account (administrators)', tags: ['users'], response: z.object({ users: z.array(userSchema) }) },
    async (c) => {
      requireAdmin(c);
      return { users: (await deps.accounts.listUsers()).map(toUserDto) };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'post',
      path: '/api/users',
      summary: 'Create an account (administrators)',
      tags: ['users'],
      status: 201,
      body: z.object({ username: usernameSchema, displayName: displayNameSchema, password: passwordSchema, isAdmin: z.boolean().default(false) }),
      response: z.object({ user: userSchema }),
    },
    async (c, { body }) => {
      const { user: admin } = requireAdmin(c);
      const { user } = await createUser(
        { db: deps.vault.db, ledger: deps.vault.ledger, accounts: deps.accounts, passwords: deps.passwords, secrets: deps.secrets },
        body,
        actorOf(admin),
      );
      return { user: toUserDto(user) };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'patch',
      path: '/api/users/:id',
      summary: 'Disable or re-enable an account, make or unmake an administrator (administrators); disabling signs it out everywhere',
      tags: ['users'],
      params: z.object({ id: idParam }),
      body: z.object({ disabled: z.boolean().optional(), isAdmin: z.boolean().optional(), displayName: displayNameSchema.optional() }),
      response: z.object({ user: userSchema }),
    },
    async (c, { params, body }) => {
      const { user: admin } = requireAdmin(c);
      const target = await deps.accounts.userById(params.id);
      if (!target) throw notFound(`no user ${params.id}`, { where: 'params.id' });
      await deps.vault.db.transaction(async (tx) => {
        await deps.accounts.updateUser(tx, params.id, body);
        if (body.disabled) await deps.accounts.revokeAllSessions(tx, params.id);
        await deps.vault.ledger.append(tx, { actor: actorOf(admin), action: 'user-updated', details: { user: params.id, username: target.username, ...body } });
      });
      return { user: toUserDto((await deps.accounts.userById(params.id))!) };
    },
  );
}
