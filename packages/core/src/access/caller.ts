import { forbidden, notFound } from '../errors.js';

/** Roles per case, weakest first: each role can do what the ones before it can. */
export const CASE_ROLES = ['observer', 'analyst', 'reviewer', 'coordinator', 'admin'] as const;
export type CaseRole = (typeof CASE_ROLES)[number];
export const roleRank = (r: CaseRole): number => CASE_ROLES.indexOf(r);

/** A membership's grants reveal protected fields; `protected-identities` reveals persons' real identities. */
export interface CaseAccess {
  role: CaseRole;
  grants: readonly string[];
}

/**
 * Who is acting, as the documentation use cases see them. The composition root (the server) binds
 * `access` to the memberships table; instance administrators act as case admins everywhere, but a
 * protected field still needs an explicit grant.
 */
export interface Caller {
  userId: number;
  username: string;
  isAdmin: boolean;
  /** The caller's membership of a case, or null when they are not a member. */
  access(caseId: number): Promise<CaseAccess | null>;
  /** The strongest role the caller holds in any case (for instance-wide records: taxonomy, facilities). */
  strongestRole(): Promise<CaseRole | null>;
}

/** The ledger's actor for a user's action. */
export const actorOf = (caller: Pick<Caller, 'username'>): string => `user:${caller.username}`;

/**
 * The caller's access to a case with at least `min`. A non-member learns nothing about the case
 * (not found); a member with a weaker role is told what is needed.
 */
export async function requireCaseRole(caller: Caller, caseId: number, min: CaseRole): Promise<CaseAccess> {
  const found = await caller.access(caseId);
  const access: CaseAccess | null = caller.isAdmin ? { role: 'admin', grants: found?.grants ?? [] } : found;
  if (!access) throw notFound(`no case ${caseId}`);
  if (roleRank(access.role) < roleRank(min)) throw forbidden(`this needs the ${min} role or above in the case (you are ${access.role})`);
  return access;
}

export const seesProtectedIdentities = (a: CaseAccess): boolean => a.grants.includes('protected-identities');

/** The `source-identity` grant: the case's source and their own legal exposure exist only for its holders. */
export const seesSource = (a: CaseAccess): boolean => a.grants.includes('source-identity');

/** Instance-wide records (taxonomy, facilities) are edited by administrators and coordinators. */
export async function requireCoordinator(caller: Caller): Promise<void> {
  if (caller.isAdmin) return;
  const r = await caller.strongestRole();
  if (!r || roleRank(r) < roleRank('coordinator')) throw forbidden('only a coordinator or an administrator can change the taxonomy and the facilities');
}

/** Someone who belongs to some case (or administers the instance): what instance-wide lists need. */
export async function requireMember(caller: Caller): Promise<void> {
  if (!caller.isAdmin && !(await caller.strongestRole())) throw forbidden('this is shown to members of a case');
}
