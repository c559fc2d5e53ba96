import type { Logger } from 'pino';
import type { Clock } from '@custodia/core';
import type { Vault } from '@custodia/store';
import type { Hono } from 'hono';
import type { PgAccountsRepo, UserWithSecrets } from './accounts/pg-accounts.repo.js';
import type { Session } from './accounts/account.types.js';
import type { OpenApiRegistry } from './http/openapi.registry.js';
import type { PasswordHasher } from './accounts/password-hasher.js';
import type { SecretBox } from './accounts/secret-box.js';
import type { SetupCode } from './accounts/setup-code.js';
import type { IntakeLink } from './intake/intake-link.js';

export interface ServerSettings {
  /** Mark cookies Secure (set when served over https, e.g. behind a TLS proxy). */
  secureCookies: boolean;
  /** The server's own origin (`http://127.0.0.1:8080`); Origin headers of writes must equal it. */
  origin: string | null;
  sessionTtlMs: number;
  sessionIdleMs: number;
  /** Failed sign-ins per username before each further one locks the account for a while. */
  throttleFreeFailures: number;
}

/** Everything a route module may use; built once by `composeServer`. */
export interface AppDeps {
  vault: Vault;
  accounts: PgAccountsRepo;
  passwords: PasswordHasher;
  secrets: SecretBox;
  setup: SetupCode;
  openapi: OpenApiRegistry;
  log: Logger;
  clock: Clock;
  settings: ServerSettings;
  /** The source intake's pull API and the vault's ingest of its batches; null when no intake is configured. */
  intake: IntakeLink | null;
}

export interface AuthState {
  session: Session;
  user: UserWithSecrets;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    log: Logger;
    /** The signed-in session, or null. */
    auth: AuthState | null;
  };
}

export type ServerApp = Hono<AppEnv>;
