import type { Db, Queryable } from '@custodia/store';

export interface StoredIntakeIdentity {
  userId: number;
  recipient: string;
  /** An armored age file encrypted to the user's passphrase (scrypt) holding the X25519 identity. */
  protectedIdentity: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Staff members' intake identities, kept only passphrase-protected (migration 030). */
export class PgIntakeIdentitiesRepo {
  constructor(private readonly db: Db) {}

  async get(userId: number): Promise<StoredIntakeIdentity | null> {
    const r = await this.db.query<{ user_id: string | number; recipient: string; protected_identity: string; created_at: Date; updated_at: Date }>(
      'SELECT user_id, recipient, protected_identity, created_at, updated_at FROM intake_identities WHERE user_id = $1',
      [userId],
    );
    const row = r.rows[0];
    return row ? { userId: Number(row.user_id), recipient: row.recipient, protectedIdentity: row.protected_identity, createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at) } : null;
  }

  async put(tx: Queryable, userId: number, recipient: string, protectedIdentity: string): Promise<void> {
    await tx.query(
      `INSERT INTO intake_identities (user_id, recipient, protected_identity) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET recipient = EXCLUDED.recipient, protected_identity = EXCLUDED.protected_identity, updated_at = now()`,
      [userId, recipient, protectedIdentity],
    );
  }
}
