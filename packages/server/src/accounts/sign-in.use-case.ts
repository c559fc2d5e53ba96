import { randomBytes } from 'node:crypto';
import type { AppDeps } from '../app-env.js';
import { throttled, totpEnrolmentRequired, totpRequired, unauthenticated, HttpError } from '../http/http.errors.js';
import { tokenHash } from '../http/middleware.js';
import { actorOf, type Session } from './account.types.js';
import type { UserWithSecrets } from './pg-accounts.repo.js';
import { base32Decode, matchTotp } from './totp.js';

export interface SignInResult {
  token: string;
  session: Session;
  user: UserWithSecrets;
}

/** Lock time after the n-th consecutive failure: none for the first few, then doubling from 2 s, at most 15 min. */
export function lockMs(failures: number, free: number): number {
  if (failures <= free) return 0;
  return Math.min(2 ** (failures - free) * 1000, 15 * 60_000);
}

export const newToken = (): string => randomBytes(32).toString('base64url');

/** Opens a session (a 256-bit random token; only its SHA-256 is stored) with its ledger entry. */
export async function openSession(deps: AppDeps, user: UserWithSecrets, restricted: boolean): Promise<SignInResult> {
  const token = newToken();
  const session = await deps.vault.db.transaction(async (tx) => {
    const s = await deps.accounts.createSession(tx, {
      userId: user.id,
      tokenSha256: tokenHash(token),
      csrfToken: randomBytes(32).toString('base64url'),
      restricted,
      expiresAt: new Date(deps.clock.now().getTime() + deps.settings.sessionTtlMs),
    });
    await deps.vault.ledger.append(tx, {
      actor: actorOf(user),
      action: 'signed-in',
      details: { user: user.id, session: s.id, secondFactor: user.totpEnabled, restricted },
    });
    return s;
  });
  return { token, session, user };
}

export async function totpPolicyApplies(deps: AppDeps, user: UserWithSecrets): Promise<boolean> {
  return user.isAdmin || (await deps.accounts.orgSetting<boolean>('totpRequired')) === true;
}

/**
 * Checks a sign-in. An unknown username and a wrong password get the same answer after the same
 * work; failures are counted per username (never per address) and lock it for a doubling time.
 * A user who must have a second factor and has none gets a restricted session that can only enrol.
 */
export async function signIn(
  deps: AppDeps,
  input: { username: string; password: string; totp?: string | undefined },
): Promise<SignInResult | { restricted: SignInResult; error: HttpError }> {
  const username = input.username.trim().toLowerCase();
  const now = deps.clock.now().getTime();
  const att = await deps.accounts.attempts(username);
  if (att?.lockedUntil && att.lockedUntil.getTime() > now) throw throttled(Math.ceil((att.lockedUntil.getTime() - now) / 1000));

  const user = await deps.accounts.userByUsername(username);
  const ok = user && !user.disabled ? await deps.passwords.verify(input.password, user.passwordHash) : await deps.passwords.verifyNobody(input.password);
  const fail = async (err: HttpError): Promise<never> => {
    const r = await deps.accounts.recordFailure(username, (n) => lockMs(n, deps.settings.throttleFreeFailures));
    if (r.lockedUntil) throw throttled(Math.ceil((r.lockedUntil.getTime() - now) / 1000));
    throw err;
  };
  if (!ok || !user) return fail(unauthenticated('wrong username or password'));

  if (user.totpSecretEnc) {
    if (!input.totp) throw totpRequired();
    const step = matchTotp(base32Decode(deps.secrets.open(user.totpSecretEnc)), input.totp, now);
    if (step === null || !(await deps.accounts.useTotpStep(user.id, step))) {
      return fail(totpRequired('that code is wrong or was already used; enter the current code'));
    }
  }
  await deps.accounts.clearFailures(username);
  if (!user.totpSecretEnc && (await totpPolicyApplies(deps, user))) {
    return { restricted: await openSession(deps, user, true), error: totpEnrolmentRequired() };
  }
  return openSession(deps, user, false);
}
