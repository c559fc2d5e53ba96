import { forbidden, notFound } from '@custodia/core';
import type { Context } from 'hono';
import type { AppEnv, AuthState } from '../app-env.js';
import { roleRank, type CaseRole, type Grant, type Membership } from '../accounts/account.types.js';
import { totpEnrolmentRequired, unauthenticated } from '../http/http.errors.js';

/** The signed-in user with a full (not restricted) session; 401 otherwise. */
export function requireUser(c: Context<AppEnv>): AuthState {
  const auth = c.get('auth');
  if (!auth) throw unauthenticated();
  if (auth.session.restricted) throw totpEnrolmentRequired();
  return auth;
}

/** The signed-in user, even on a restricted session (only the TOTP enrolment routes allow that). */
export function requireSession(c: Context<AppEnv>): AuthState {
  const auth = c.get('auth');
  if (!auth) throw unauthenticated();
  return auth;
}

export function requireAdmin(c: Context<AppEnv>): AuthState {
  const auth = requireUser(c);
  if (!auth.user.isAdmin) throw forbidden('only an administrator can do this');
  return auth;
}

/**
 * The user's membership of a case, with at least `minRole`. Someone who is not a member gets 404
 * (the case's existence is not revealed); a member with a weaker role gets 403. Instance
 * administrators act as case admins everywhere, but protected fields still need an explicit grant.
 *
 *   const m = await requireCaseRole(c, caseId, 'analyst');
 *   if (hasGrant(m, 'protected-identities')) …
 */
export async function requireCaseRole(c: Context<AppEnv>, caseId: number, minRole: CaseRole = 'observer'): Promise<Membership> {
  const { user } = requireUser(c);
  const deps = c.get('deps');
  const found = await deps.accounts.membership(caseId, user.id);
  let m: Membership | null = found;
  if (user.isAdmin) {
    const exists = await deps.vault.db.query('SELECT 1 FROM cases WHERE id = $1', [caseId]);
    if (exists.rows.length === 0) throw notFound(`no case ${caseId}`, { where: 'params.caseId' });
    m = { caseId, userId: user.id, role: 'admin', grants: found?.grants ?? [] };
  }
  if (!m) throw notFound(`no case ${caseId}`, { where: 'params.caseId' });
  if (roleRank(m.role) < roleRank(minRole)) throw forbidden(`this needs the ${minRole} role or above in the case (you are ${m.role})`);
  return m;
}

export const hasGrant = (m: Membership, g: Grant): boolean => m.grants.includes(g);

/** Case ids the user may see (all cases for instance administrators). */
export async function visibleCaseIds(c: Context<AppEnv>): Promise<number[] | 'all'> {
  const { user } = requireUser(c);
  if (user.isAdmin) return 'all';
  return (await c.get('deps').accounts.membershipsOf(user.id)).map((m) => m.caseId);
}
