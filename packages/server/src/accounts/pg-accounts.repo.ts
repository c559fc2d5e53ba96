import type { Db, Queryable } from '@custodia/store';
import { userSettingsSchema, type CaseRole, type Grant, type Membership, type Session, type User } from './account.types.js';

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  totp_secret_enc: Buffer | null;
  totp_pending_enc: Buffer | null;
  totp_last_step: number | null;
  settings: unknown;
  is_admin: boolean;
  disabled: boolean;
  created_at: Date;
}

/** A user with the secrets needed to check a sign-in; never leaves the accounts module. */
export interface UserWithSecrets extends User {
  passwordHash: string;
  totpSecretEnc: Buffer | null;
  totpPendingEnc: Buffer | null;
  totpLastStep: number | null;
}

const USER_COLS =
  'u.id, u.username, u.display_name, u.password_hash, u.totp_secret_enc, u.totp_pending_enc, u.totp_last_step, u.settings, u.is_admin, u.disabled, u.created_at';

const toUser = (r: UserRow): UserWithSecrets => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  isAdmin: r.is_admin,
  disabled: r.disabled,
  totpEnabled: r.totp_secret_enc !== null,
  settings: userSettingsSchema.parse(r.settings ?? {}),
  createdAt: r.created_at,
  passwordHash: r.password_hash,
  totpSecretEnc: r.totp_secret_enc,
  totpPendingEnc: r.totp_pending_enc,
  totpLastStep: r.totp_last_step,
});

/** Strips the secrets: what the API may show of a user. */
export const publicUser = (u: User): User => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  isAdmin: u.isAdmin,
  disabled: u.disabled,
  totpEnabled: u.totpEnabled,
  settings: u.settings,
  createdAt: u.createdAt,
});

interface SessionRow {
  id: number;
  user_id: number;
  csrf_token: string;
  restricted: boolean;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
}
const toSession = (r: SessionRow): Session => ({
  id: r.id,
  userId: r.user_id,
  csrfToken: r.csrf_token,
  restricted: r.restricted,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
});

interface MemberRow {
  case_id: number;
  user_id: number;
  role: CaseRole;
  grants: Grant[];
}
const toMembership = (r: MemberRow): Membership => ({ caseId: r.case_id, userId: r.user_id, role: r.role, grants: r.grants ?? [] });

/**
 * Users, sessions, memberships and sign-in throttling in PostgreSQL/PGlite. Methods that change
 * something a ledger entry describes take the caller's transaction, so the entry and the change
 * commit together.
 */
export class PgAccountsRepo {
  constructor(readonly db: Db) {}

  async countUsers(q: Queryable = this.db): Promise<number> {
    const r = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    return r.rows[0]?.n ?? 0;
  }

  async createUser(
    tx: Queryable,
    u: { username: string; displayName: string; passwordHash: string; isAdmin: boolean; totpSecretEnc?: Buffer | null },
  ): Promise<UserWithSecrets> {
    const r = await tx.query<UserRow>(
      `INSERT INTO users AS u (username, display_name, password_hash, is_admin, totp_secret_enc)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING ${USER_COLS}`,
      [u.username, u.displayName, u.passwordHash, u.isAdmin, u.totpSecretEnc ?? null],
    );
    const row = r.rows[0];
    if (!row) throw Object.assign(new Error('username taken'), { usernameTaken: true });
    return toUser(row);
  }

  async userByUsername(username: string, q: Queryable = this.db): Promise<UserWithSecrets | null> {
    const r = await q.query<UserRow>(`SELECT ${USER_COLS} FROM users u WHERE u.username = $1`, [username]);
    return r.rows[0] ? toUser(r.rows[0]) : null;
  }

  async userById(id: number, q: Queryable = this.db): Promise<UserWithSecrets | null> {
    const r = await q.query<UserRow>(`SELECT ${USER_COLS} FROM users u WHERE u.id = $1`, [id]);
    return r.rows[0] ? toUser(r.rows[0]) : null;
  }

  async listUsers(): Promise<User[]> {
    const r = await this.db.query<UserRow>(`SELECT ${USER_COLS} FROM users u ORDER BY u.username`);
    return r.rows.map((row) => publicUser(toUser(row)));
  }

  async updateUser(tx: Queryable, id: number, patch: { disabled?: boolean; isAdmin?: boolean; displayName?: string }): Promise<void> {
    await tx.query(
      `UPDATE users SET disabled = COALESCE($2, disabled), is_admin = COALESCE($3, is_admin),
       display_name = COALESCE($4, display_name), updated_at = now() WHERE id = $1`,
      [id, patch.disabled ?? null, patch.isAdmin ?? null, patch.displayName ?? null],
    );
  }

  async setPasswordHash(tx: Queryable, id: number, hash: string): Promise<void> {
    await tx.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [id, hash]);
  }

  async setSettings(id: number, settings: Record<string, unknown>): Promise<void> {
    await this.db.query('UPDATE users SET settings = $2::jsonb, updated_at = now() WHERE id = $1', [id, JSON.stringify(settings)]);
  }

  async setTotpPending(id: number, enc: Buffer): Promise<void> {
    await this.db.query('UPDATE users SET totp_pending_enc = $2, updated_at = now() WHERE id = $1', [id, enc]);
  }

  async confirmTotp(tx: Queryable, id: number, enc: Buffer, step: number): Promise<void> {
    await tx.query(
      'UPDATE users SET totp_secret_enc = $2, totp_pending_enc = NULL, totp_last_step = $3, updated_at = now() WHERE id = $1',
      [id, enc, step],
    );
  }

  /** A password reset code's SHA-256 and expiry (replacing an earlier one). */
  async setPasswordReset(tx: Queryable, id: number, sha256: Buffer, expiresAt: Date): Promise<void> {
    await tx.query('UPDATE users SET password_reset_sha256 = $2, password_reset_expires_at = $3, updated_at = now() WHERE id = $1', [id, sha256, expiresAt]);
  }

  async passwordReset(id: number): Promise<{ sha256: Buffer; expiresAt: Date } | null> {
    const r = await this.db.query<{ h: Buffer | null; e: Date | null }>('SELECT password_reset_sha256 AS h, password_reset_expires_at AS e FROM users WHERE id = $1', [id]);
    const row = r.rows[0];
    return row?.h && row.e ? { sha256: Buffer.from(row.h), expiresAt: new Date(row.e) } : null;
  }

  /** Spends the code if it is still the one given; false if it was used (or replaced) meanwhile. */
  async takePasswordReset(tx: Queryable, id: number, sha256: Buffer): Promise<boolean> {
    const r = await tx.query(
      'UPDATE users SET password_reset_sha256 = NULL, password_reset_expires_at = NULL WHERE id = $1 AND password_reset_sha256 = $2 RETURNING id',
      [id, sha256],
    );
    return r.rows.length === 1;
  }

  /** Forgets the second factor (confirmed and pending): the user enrols again. */
  async clearTotp(tx: Queryable, id: number): Promise<void> {
    await tx.query('UPDATE users SET totp_secret_enc = NULL, totp_pending_enc = NULL, totp_last_step = NULL, updated_at = now() WHERE id = $1', [id]);
  }

  /**
   * Records `step` as used, only if it is later than the last used one: the same code (or an
   * earlier one) is refused even when two requests race.
   */
  async useTotpStep(id: number, step: number, q: Queryable = this.db): Promise<boolean> {
    const r = await q.query(
      'UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id',
      [id, step],
    );
    return r.rows.length === 1;
  }

  // Sessions

  async createSession(
    tx: Queryable,
    s: { userId: number; tokenSha256: Buffer; csrfToken: string; restricted: boolean; expiresAt: Date },
  ): Promise<Session> {
    const r = await tx.query<SessionRow>(
      `INSERT INTO sessions (user_id, token_sha256, csrf_token, restricted, expires_at) VALUES ($1, $2, $3, $4, $5)
       RETURNING id, user_id, csrf_token, restricted, created_at, last_seen_at, expires_at`,
      [s.userId, s.tokenSha256, s.csrfToken, s.restricted, s.expiresAt],
    );
    return toSession(r.rows[0]!);
  }

  /** A live session (not revoked, not expired, not idle too long) and its enabled user. */
  async liveSession(tokenSha256: Buffer, idleMs: number): Promise<{ session: Session; user: UserWithSecrets } | null> {
    // One round trip per request: the session and its user together.
    const r = await this.db.query<UserRow & { s_id: number; s_csrf: string; s_restricted: boolean; s_created: Date; s_seen: Date; s_expires: Date }>(
      `SELECT ${USER_COLS}, s.id AS s_id, s.csrf_token AS s_csrf, s.restricted AS s_restricted, s.created_at AS s_created,
              s.last_seen_at AS s_seen, s.expires_at AS s_expires
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_sha256 = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
         AND s.last_seen_at > now() - ($2::double precision * interval '1 millisecond') AND NOT u.disabled`,
      [tokenSha256, idleMs],
    );
    const row = r.rows[0];
    if (!row) return null;
    return {
      session: { id: row.s_id, userId: row.id, csrfToken: row.s_csrf, restricted: row.s_restricted, createdAt: row.s_created, lastSeenAt: row.s_seen, expiresAt: row.s_expires },
      user: toUser(row),
    };
  }

  async unrestrictSession(tx: Queryable, id: number): Promise<void> {
    await tx.query('UPDATE sessions SET restricted = false WHERE id = $1', [id]);
  }

  async touchSession(id: number): Promise<void> {
    await this.db.query('UPDATE sessions SET last_seen_at = now() WHERE id = $1', [id]);
  }

  async revokeSession(tx: Queryable, id: number): Promise<void> {
    await tx.query('UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
  }

  async revokeAllSessions(tx: Queryable, userId: number): Promise<number> {
    const r = await tx.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id', [userId]);
    return r.rows.length;
  }

  // Memberships

  async membership(caseId: number, userId: number, q: Queryable = this.db): Promise<Membership | null> {
    const r = await q.query<MemberRow>('SELECT case_id, user_id, role, grants FROM memberships WHERE case_id = $1 AND user_id = $2', [
      caseId,
      userId,
    ]);
    return r.rows[0] ? toMembership(r.rows[0]) : null;
  }

  async membershipsOf(userId: number): Promise<Membership[]> {
    const r = await this.db.query<MemberRow>('SELECT case_id, user_id, role, grants FROM memberships WHERE user_id = $1', [userId]);
    return r.rows.map(toMembership);
  }

  async members(caseId: number): Promise<(Membership & { username: string; displayName: string })[]> {
    const r = await this.db.query<MemberRow & { username: string; display_name: string }>(
      `SELECT m.case_id, m.user_id, m.role, m.grants, u.username, u.display_name
       FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.case_id = $1 ORDER BY u.username`,
      [caseId],
    );
    return r.rows.map((row) => ({ ...toMembership(row), username: row.username, displayName: row.display_name }));
  }

  async putMember(tx: Queryable, m: Membership): Promise<Membership | null> {
    const before = await this.membership(m.caseId, m.userId, tx);
    await tx.query(
      `INSERT INTO memberships (case_id, user_id, role, grants) VALUES ($1, $2, $3, $4)
       ON CONFLICT (case_id, user_id) DO UPDATE SET role = EXCLUDED.role, grants = EXCLUDED.grants, updated_at = now()`,
      [m.caseId, m.userId, m.role, m.grants],
    );
    return before;
  }

  async removeMember(tx: Queryable, caseId: number, userId: number): Promise<Membership | null> {
    const r = await tx.query<MemberRow>('DELETE FROM memberships WHERE case_id = $1 AND user_id = $2 RETURNING case_id, user_id, role, grants', [
      caseId,
      userId,
    ]);
    return r.rows[0] ? toMembership(r.rows[0]) : null;
  }

  // Sign-in throttling, per username

  async attempts(username: string): Promise<{ failures: number; lockedUntil: Date | null; lastFailureAt: Date } | null> {
    const r = await this.db.query<{ failures: number; locked_until: Date | null; last_failure_at: Date }>(
      'SELECT failures, locked_until, last_failure_at FROM login_attempts WHERE username = $1',
      [username],
    );
    const row = r.rows[0];
    return row ? { failures: row.failures, lockedUntil: row.locked_until, lastFailureAt: row.last_failure_at } : null;
  }

  async recordFailure(username: string, lockFor: (failures: number) => number): Promise<{ failures: number; lockedUntil: Date | null }> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<{ failures: number }>(
        `INSERT INTO login_attempts (username, failures, last_failure_at) VALUES ($1, 1, now())
         ON CONFLICT (username) DO UPDATE SET failures = login_attempts.failures + 1, last_failure_at = now()
         RETURNING failures`,
        [username],
      );
      const failures = r.rows[0]!.failures;
      const ms = lockFor(failures);
      if (ms <= 0) return { failures, lockedUntil: null };
      const u = await tx.query<{ locked_until: Date }>(
        `UPDATE login_attempts SET locked_until = now() + ($2::double precision * interval '1 millisecond') WHERE username = $1 RETURNING locked_until`,
        [username, ms],
      );
      return { failures, lockedUntil: u.rows[0]!.locked_until };
    });
  }

  async clearFailures(username: string): Promise<void> {
    await this.db.query('DELETE FROM login_attempts WHERE username = $1', [username]);
  }

  // Organisation policy

  async orgSetting<T>(key: string): Promise<T | undefined> {
    const r = await this.db.query<{ value: T }>('SELECT value FROM org_settings WHERE key = $1', [key]);
    return r.rows[0]?.value;
  }

  async setOrgSetting(tx: Queryable, key: string, value: unknown): Promise<void> {
    await tx.query('INSERT INTO org_settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [
      key,
      JSON.stringify(value),
    ]);
  }
}
