import { conflict, forbidden, notFound } from '@custodia/core';
import { z } from 'zod';
import type { AppDeps, ServerApp } from '../app-env.js';
import { actorOf, caseRoleSchema, grantSchema, roleRank } from '../accounts/account.types.js';
import { requireCaseRole, requireUser } from '../auth/access.js';
import { caseDashboard, dashboardSchema } from '../evidence/case-dashboard.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';

const caseSummary = z.object({ id: z.number().int(), name: z.string(), createdAt: z.string(), role: caseRoleSchema, grants: z.array(grantSchema), itemCount: z.number().int() });
const memberSchema = z.object({ userId: z.number().int(), username: z.string(), displayName: z.string(), role: caseRoleSchema, grants: z.array(grantSchema) });

export function registerCaseRoutes(app: ServerApp, deps: AppDeps): void {
  defineRoute(
    app,
    deps,
    { method: 'get', path: '/api/cases', summary: 'Cases the user may see, with their role', tags: ['cases'], response: z.object({ cases: z.array(caseSummary) }) },
    async (_c, { auth }) => {
      const r = await deps.vault.db.query<{ id: number; name: string; created_at: Date; role: string | null; grants: string[] | null; n: number }>(
        `SELECT c.id, c.name, c.created_at, m.role, m.grants, (SELECT count(*)::int FROM item_index i WHERE i.case_id = c.id) AS n
         FROM cases c LEFT JOIN memberships m ON m.case_id = c.id AND m.user_id = $1
         WHERE $2 OR m.user_id IS NOT NULL ORDER BY c.name`,
        [auth.user.id, auth.user.isAdmin],
      );
      return {
        cases: r.rows.map((row) => ({
          id: row.id,
          name: row.name,
          createdAt: row.created_at.toISOString(),
          role: (auth.user.isAdmin ? 'admin' : row.role) as z.infer<typeof caseRoleSchema>,
          grants: (row.grants ?? []) as z.infer<typeof grantSchema>[],
          itemCount: row.n,
        })),
      };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'post',
      path: '/api/cases',
      summary: 'Create a case (administrators, and coordinators of another case); the creator becomes its coordinator',
      tags: ['cases'],
      status: 201,
      body: z.object({ name: z.string().trim().min(1).max(200) }),
      response: z.object({ case: caseSummary }),
    },
    async (c, { body }) => {
      const { user } = requireUser(c);
      if (!user.isAdmin) {
        const ms = await deps.accounts.membershipsOf(user.id);
        if (!ms.some((m) => roleRank(m.role) >= roleRank('coordinator'))) throw forbidden('only administrators and coordinators create cases');
      }
      const role = user.isAdmin ? ('admin' as const) : ('coordinator' as const);
      const kase = await deps.vault.db.transaction(async (tx) => {
        const k = await deps.vault.repo.createCaseIn(tx, body.name, actorOf(user));
        if (!k) throw conflict(`a case named "${body.name}" exists`, { where: 'body.name' });
        await deps.accounts.putMember(tx, { caseId: k.id, userId: user.id, role, grants: [] });
        await deps.vault.ledger.append(tx, { actor: actorOf(user), action: 'member-added', details: { case: k.id, user: user.id, username: user.username, role, grants: [] } });
        return k;
      });
      return { case: { id: kase.id, name: kase.name, createdAt: kase.createdAt.toISOString(), role, grants: [], itemCount: 0 } };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'get',
      path: '/api/cases/:caseId',
      summary: 'Case dashboard: counts, processing progress and failures, activity per camera over time',
      tags: ['cases'],
      params: z.object({ caseId: idParam }),
      response: dashboardSchema,
    },
    async (c, { params }) => {
      const m = await requireCaseRole(c, params.caseId, 'observer');
      return caseDashboard(deps.vault, params.caseId, m);
    },
  );

  defineRoute(
    app,
    deps,
    { method: 'get', path: '/api/cases/:caseId/members', summary: 'Members of a case', tags: ['cases'], params: z.object({ caseId: idParam }), response: z.object({ members: z.array(memberSchema) }) },
    async (c, { params }) => {
      await requireCaseRole(c, params.caseId, 'observer');
      return { members: (await deps.accounts.members(params.caseId)).map((m) => ({ userId: m.userId, username: m.username, displayName: m.displayName, role: m.role, grants: m.grants })) };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'put',
      path: '/api/cases/:caseId/members/:userId',
      summary: 'Add a member or change their role and grants (coordinators and admins); ledgered',
      tags: ['cases'],
      params: z.object({ caseId: idParam, userId: idParam }),
      body: z.object({ role: caseRoleSchema, grants: z.array(grantSchema).default([]) }),
      response: z.object({ member: memberSchema }),
    },
    async (c, { params, body, auth }) => {
      const me = await requireCaseRole(c, params.caseId, 'coordinator');
      if (roleRank(body.role) > roleRank(me.role)) throw forbidden(`a ${me.role} cannot make someone ${body.role}`, { where: 'body.role' });
      const target = await deps.accounts.userById(params.userId);
      if (!target) throw notFound(`no user ${params.userId}`, { where: 'params.userId' });
      const grants = [...new Set(body.grants)].sort();
      // Nobody hands out access to identities they cannot see themselves (instance administrators aside).
      const notHeld = grants.filter((g) => !auth.user.isAdmin && !me.grants.includes(g));
      if (notHeld.length) throw forbidden(`you cannot grant ${notHeld.join(', ')}: you do not hold it`, { where: 'body.grants' });
      await deps.vault.db.transaction(async (tx) => {
        const before = await deps.accounts.putMember(tx, { caseId: params.caseId, userId: params.userId, role: body.role, grants });
        await deps.vault.ledger.append(tx, {
          actor: actorOf(auth.user),
          action: before ? 'member-changed' : 'member-added',
          details: { case: params.caseId, user: target.id, username: target.username, role: body.role, grants, ...(before ? { was: { role: before.role, grants: before.grants } } : {}) },
        });
      });
      return { member: { userId: target.id, username: target.username, displayName: target.displayName, role: body.role, grants } };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'delete',
      path: '/api/cases/:caseId/members/:userId',
      summary: 'Remove a member (coordinators and admins); ledgered',
      tags: ['cases'],
      params: z.object({ caseId: idParam, userId: idParam }),
      response: z.object({ ok: z.literal(true) }),
    },
    async (c, { params, auth }) => {
      await requireCaseRole(c, params.caseId, 'coordinator');
      await deps.vault.db.transaction(async (tx) => {
        const before = await deps.accounts.removeMember(tx, params.caseId, params.userId);
        if (!before) throw notFound(`user ${params.userId} is not a member of case ${params.caseId}`, { where: 'params.userId' });
        await deps.vault.ledger.append(tx, { actor: actorOf(auth.user), action: 'member-removed', details: { case: params.caseId, user: params.userId, was: { role: before.role, grants: before.grants } } });
      });
      return { ok: true as const };
    },
  );
}
