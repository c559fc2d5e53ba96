import { pino } from 'pino';
import { initVault, type Vault } from '@custodia/store';
import { testConfig, type DbKind } from '@custodia/store/testing';
import type { AppDeps } from '../app-env.js';
import { createApp } from '../app.js';
import { composeServer } from '../compose.js';
import { TEST_ARGON2 } from '../accounts/password-hasher.js';
import { createUser } from '../accounts/create-user.use-case.js';
import { base32Decode, hotp, totpStep } from '../accounts/totp.js';
import { listen } from '../server.js';
import type { ServerSettings } from '../app-env.js';
import type { UserWithSecrets } from '../accounts/pg-accounts.repo.js';
import type { IntakeLink } from '../intake/intake-link.js';

export interface TestServer {
  url: string;
  vault: Vault;
  deps: AppDeps;
  /** Creates a user directly (no HTTP), optionally with TOTP; returns its TOTP secret (base32). */
  addUser(u: { username: string; password?: string; isAdmin?: boolean; totp?: boolean; displayName?: string }): Promise<{ user: UserWithSecrets; totpSecret: string | null }>;
  /** A new cookie-keeping client. */
  client(): TestClient;
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'correct horse battery staple';

/**
 * A real server on a loopback port over a throw-away instance (PGlite or PostgreSQL), with cheap
 * Argon2 parameters. Close it in `after`.
 */
export async function startTestServer(kind: DbKind, opts: { settings?: Partial<ServerSettings>; webDist?: string | null; intake?: IntakeLink | null } = {}): Promise<TestServer> {
  const { config, cleanup } = await testConfig(kind);
  const { vault } = await initVault(config, { actor: 'test-operator' });
  const deps = await composeServer(vault, { argon2: TEST_ARGON2, log: pino({ level: 'silent' }), ...(opts.settings ? { settings: opts.settings } : {}), intake: opts.intake ?? null });
  const app = createApp(deps, { webDist: opts.webDist ?? null });
  const server = await listen(app, { host: '127.0.0.1', port: 0 });
  return {
    url: server.url,
    vault,
    deps,
    addUser: (u) =>
      createUser(
        { db: vault.db, ledger: vault.ledger, accounts: deps.accounts, passwords: deps.passwords, secrets: deps.secrets },
        { username: u.username, displayName: u.displayName ?? u.username, password: u.password ?? TEST_PASSWORD, isAdmin: u.isAdmin ?? false, withTotp: u.totp ?? false },
        'test-operator',
      ),
    client: () => new TestClient(server.url),
    close: async () => {
      await server.close();
      await vault.close();
      await cleanup();
    },
  };
}

/** The current TOTP code for a base32 secret, `offset` steps away. */
export const totpNow = (secretB32: string, offset = 0): string => hotp(base32Decode(secretB32), totpStep(Date.now()) + offset);

/** fetch with a cookie jar and the CSRF header, like the web app. */
export class TestClient {
  cookie: string | null = null;
  csrf: string | null = null;
  constructor(readonly base: string) {}

  async req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET' && method !== 'HEAD') h['x-csrf-token'] ??= this.csrf;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(this.base + path, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const set = res.headers.get('set-cookie');
    if (set) {
      const m = /custodia_session=([^;]*)/.exec(set);
      if (m) this.cookie = m[1] ? `custodia_session=${m[1]}` : null;
    }
    return res;
  }

  async json<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T; res: Response }> {
    const res = await this.req(method, path, body, headers);
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as T) : (undefined as T);
    const csrf = (parsed as { csrfToken?: string } | undefined)?.csrfToken;
    if (typeof csrf === 'string') this.csrf = csrf;
    return { status: res.status, body: parsed, res };
  }

  /** Signs in (with a TOTP code when a secret is given); throws unless it succeeded. */
  async signIn(username: string, opts: { password?: string; totpSecret?: string | null } = {}): Promise<void> {
    const attempt = (offset: number) =>
      this.json('POST', '/api/session', {
        username,
        password: opts.password ?? TEST_PASSWORD,
        ...(opts.totpSecret ? { totp: totpNow(opts.totpSecret, offset) } : {}),
      });
    let r = await attempt(0);
    // The code of this time step may have been used already (no replay): the next step is accepted too.
    if (r.status === 401 && opts.totpSecret) r = await attempt(1);
    if (r.status !== 200) throw new Error(`sign-in of ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
  }
}
