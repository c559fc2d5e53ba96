import { conflict, type Clock } from '@custodia/core';
import type { PgLedger, Db, Queryable } from '@custodia/store';
import type { PgAccountsRepo, UserWithSecrets } from './pg-accounts.repo.js';
import type { PasswordHasher } from './password-hasher.js';
import type { SecretBox } from './secret-box.js';
import { newTotpSecret } from './totp.js';

export interface CreateUserInput {
  username: string;
  displayName: string;
  password: string;
  isAdmin: boolean;
  /** Enrol a second factor at once (the CLI prints its otpauth URL). */
  withTotp?: boolean;
}

export interface CreateUserDeps {
  db: Db;
  ledger: PgLedger;
  accounts: PgAccountsRepo;
  passwords: PasswordHasher;
  secrets: SecretBox;
  clock?: Clock;
}

/** Creates a user; the ledger entry `user-created` commits with it. */
export async function createUser(
  deps: CreateUserDeps,
  input: CreateUserInput,
  actor: string,
  inTx?: (tx: Queryable, user: UserWithSecrets) => Promise<void>,
): Promise<{ user: UserWithSecrets; totpSecret: string | null }> {
  const passwordHash = await deps.passwords.hash(input.password);
  const totpSecret = input.withTotp ? newTotpSecret() : null;
  try {
    const user = await deps.db.transaction(async (tx) => {
      const u = await deps.accounts.createUser(tx, {
        username: input.username,
        displayName: input.displayName,
        passwordHash,
        isAdmin: input.isAdmin,
        totpSecretEnc: totpSecret ? deps.secrets.seal(totpSecret) : null,
      });
      await deps.ledger.append(tx, {
        actor,
        action: 'user-created',
        details: { user: u.id, username: u.username, isAdmin: u.isAdmin, totp: totpSecret !== null },
      });
      if (inTx) await inTx(tx, u);
      return u;
    });
    return { user, totpSecret };
  } catch (e) {
    if ((e as { usernameTaken?: boolean }).usernameTaken) throw conflict(`the username "${input.username}" is taken`, { where: 'body.username' });
    throw e;
  }
}
