import { roleRank, type Caller, type CaseAccess, type CaseRole } from '@custodia/core';
import type { Queryable } from '../db/db.js';

/**
 * A `Caller` whose case access is read from the `memberships` table (migration 010) when a use
 * case asks, so a role changed a moment ago is already in force.
 */
export function pgCaller(db: Queryable, user: { id: number; username: string; isAdmin: boolean }): Caller {
  return {
    userId: user.id,
    username: user.username,
    isAdmin: user.isAdmin,
    async access(caseId: number): Promise<CaseAccess | null> {
      const r = await db.query<{ role: CaseRole; grants: string[] }>('SELECT role, grants FROM memberships WHERE case_id = $1 AND user_id = $2', [caseId, user.id]);
      return r.rows[0] ? { role: r.rows[0].role, grants: r.rows[0].grants } : null;
    },
    async strongestRole(): Promise<CaseRole | null> {
      const r = await db.query<{ role: CaseRole }>('SELECT role FROM memberships WHERE user_id = $1', [user.id]);
      return r.rows.map((x) => x.role).sort((a, b) => roleRank(b) - roleRank(a))[0] ?? null;
    },
  };
}

