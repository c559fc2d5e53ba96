import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { forbidden, notFound } from '@custodia/core';
import type { Db, PgLedger } from '@custodia/store';
import type { AppDeps } from '../app-env.js';
import { throttled } from '../http/http.errors.js';
import { actorOf } from './account.types.js';
import type { PgAccountsRepo } from './pg-accounts.repo.js';
import { lockMs } from './sign-in.use-case.js';

/** How long a reset code is valid. */
export const PASSWORD_RESET_TTL_MS = 24 * 3600_000;

const normalise = (code: string): Buffer => createHash('sha256').update(code.toUpperCase().replace(/[^0-9A-Z]/g, '')).digest();

/** 16 characters of an alphabet without look-alikes (≈ 80 bits), shown in groups of four, as the setup code. */
function newCode(): string {
  const alphabet = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
  return [...randomBytes(16)].map((b) => alphabet[b % alphabet.length]).join('').match(/.{4}/g)!.join('-');
}

/**
 * An administrator, on the server's machine, issues a one-time code with which the user sets a new
 * password on the sign-in page. Only the code's SHA-256 is kept; a new code replaces an older one;
 * the ledger entry `password-reset-issued` commits with it (never the code).
 */
export async function issuePasswordReset(
  deps: { db: Db; ledger: PgLedger; accounts: PgAccountsRepo },
  username: string,
  actor: string,
  now = new Date(),
): Promise<{ user: { id: number; username: string }; code: string; expiresAt: Date }> {
  const code = newCode();
  const expiresAt = new Date(now.getTime() + PASSWORD_RESET_TTL_MS);
  return deps.db.transaction(async (tx) => {
    const u = await deps.accounts.userByUsername(username, tx);
    if (!u) throw notFound(`--user: there is no user "${username}"`, { where: '--user' });
    await deps.accounts.setPasswordReset(tx, u.id, normalise(code), expiresAt);
    await deps.ledger.append(tx, { actor, action: 'password-reset-issued', details: { user: u.id, username: u.username, expiresAt: expiresAt.toISOString() } });
    return { user: { id: u.id, username: u.username }, code, expiresAt };
  });
}

/**
 * The user sets a new password with the code. A wrong, used or expired code and an unknown user get
 * the same answer and count as a failed sign-in (the same per-username lock). On success the code
 * is spent, every session of the user ends, and `password-reset` is ledgered with the user as actor.
 */
export async function redeemPasswordReset(deps: AppDeps, input: { username: string; code: string; password: string }): Promise<void> {
  const username = input.username.trim().toLowerCase();
  const now = deps.clock.now();
  const att = await deps.accounts.attempts(username);
  if (att?.lockedUntil && att.lockedUntil.getTime() > now.getTime()) throw throttled(Math.ceil((att.lockedUntil.getTime() - now.getTime()) / 1000));
  const user = await deps.accounts.userByUsername(username);
  const reset = user ? await deps.accounts.passwordReset(user.id) : null;
  const ok = !!user && !user.disabled && !!reset && reset.expiresAt.getTime() > now.getTime() && timingSafeEqual(reset.sha256, normalise(input.code));
  if (!ok) {
    const r = await deps.accounts.recordFailure(username, (n) => lockMs(n, deps.settings.throttleFreeFailures));
    if (r.lockedUntil) throw throttled(Math.ceil((r.lockedUntil.getTime() - now.getTime()) / 1000));
    throw forbidden('wrong username or reset code, or the code expired or was used (ask an administrator for a new one)', { where: 'body.code' });
  }
  const hash = await deps.passwords.hash(input.password);
  await deps.vault.db.transaction(async (tx) => {
    // Spent in the same transaction that sets the password: two racing uses, one wins.
    if (!(await deps.accounts.takePasswordReset(tx, user.id, reset.sha256))) throw forbidden('this reset code was just used', { where: 'body.code' });
    await deps.accounts.setPasswordHash(tx, user.id, hash);
    const ended = await deps.accounts.revokeAllSessions(tx, user.id);
    await deps.vault.ledger.append(tx, { actor: actorOf(user), action: 'password-reset', details: { user: user.id, sessionsEnded: ended } });
  });
  await deps.accounts.clearFailures(username);
}
