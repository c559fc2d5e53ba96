import { systemClock, type Clock } from '@custodia/core';
import type { Vault } from '@custodia/store';
import { pino, type Logger } from 'pino';
import type { AppDeps, ServerSettings } from './app-env.js';
import { PgAccountsRepo } from './accounts/pg-accounts.repo.js';
import { DEFAULT_ARGON2, PasswordHasher, type Argon2Params } from './accounts/password-hasher.js';
import { SecretBox } from './accounts/secret-box.js';
import { SetupCode } from './accounts/setup-code.js';
import { OpenApiRegistry } from './http/openapi.registry.js';
import type { IntakeLink } from './intake/intake-link.js';

export interface ComposeOptions {
  log?: Logger;
  clock?: Clock;
  argon2?: Argon2Params;
  settings?: Partial<ServerSettings>;
  /** The source intake (staff inbox and imports in the web app); none by default. */
  intake?: IntakeLink | null;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  secureCookies: false,
  origin: null,
  sessionTtlMs: 7 * 24 * 3600_000,
  sessionIdleMs: 12 * 3600_000,
  throttleFreeFailures: 5,
};

/** Structured logs on stderr (stdout stays for what the CLI prints). */
export function createLogger(level = 'info'): Logger {
  return pino({ name: 'custodia', base: null, level }, pino.destination(2));
}

/** The composition root of the server: every adapter wired by hand, once. */
export async function composeServer(vault: Vault, opts: ComposeOptions = {}): Promise<AppDeps> {
  return {
    vault,
    accounts: new PgAccountsRepo(vault.db),
    passwords: new PasswordHasher(opts.argon2 ?? DEFAULT_ARGON2),
    secrets: await SecretBox.forHome(vault.config.home),
    setup: new SetupCode(vault.config.home),
    openapi: new OpenApiRegistry(),
    log: opts.log ?? pino({ name: 'custodia', base: null }),
    clock: opts.clock ?? systemClock,
    settings: { ...DEFAULT_SETTINGS, ...opts.settings },
    intake: opts.intake ?? null,
  };
}
