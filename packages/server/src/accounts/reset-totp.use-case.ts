import { notFound } from '@custodia/core';
import type { Db, PgLedger } from '@custodia/store';
import type { PgAccountsRepo } from './pg-accounts.repo.js';

/**
 * An administrator clears a user's second factor (a lost phone): the user enrols again at the next
 * sign-in (administrators and, under the TOTP policy, everyone get a session that can only enrol).
 * Every session of theirs ends, and the ledger entry `user-totp-reset` commits with the change.
 */
export async function resetTotp(
  deps: { db: Db; ledger: PgLedger; accounts: PgAccountsRepo },
  username: string,
  actor: string,
): Promise<{ user: { id: number; username: string }; hadTotp: boolean; sessionsEnded: number }> {
  return deps.db.transaction(async (tx) => {
    const u = await deps.accounts.userByUsername(username, tx);
    if (!u) throw notFound(`--user: there is no user "${username}"`, { where: '--user' });
    const hadTotp = u.totpSecretEnc !== null || u.totpPendingEnc !== null;
    await deps.accounts.clearTotp(tx, u.id);
    const sessionsEnded = await deps.accounts.revokeAllSessions(tx, u.id);
    await deps.ledger.append(tx, { actor, action: 'user-totp-reset', details: { user: u.id, username: u.username, hadTotp, sessionsEnded } });
    return { user: { id: u.id, username: u.username }, hadTotp, sessionsEnded };
  });
}
