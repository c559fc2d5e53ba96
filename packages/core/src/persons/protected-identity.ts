import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson } from '@custodia/ledger';
import type { ProtectedIdentity, SealedIdentity } from './person.types.js';

/**
 * Seals an identity for storage with a fresh random salt, and returns the commitment the ledger
 * records: SHA-256(salt ‖ canonical JSON of the values). A plain hash of a name could be found by
 * trying names; with the salt (kept only beside the values) it cannot, and erasing the row makes
 * the commitment forever unopenable while the ledger stays verifiable.
 *
 * @example const { sealed, commitment } = sealIdentity({ realName: 'И. И. Иванов', birthDate: null, notes: null })
 */
export function sealIdentity(values: ProtectedIdentity): { sealed: SealedIdentity; commitment: string } {
  const salt = randomBytes(32);
  return { sealed: { values, salt }, commitment: identityCommitment(values, salt) };
}

/** Recomputes a commitment from stored values and salt (to show that the ledger names these values). */
export function identityCommitment(values: ProtectedIdentity, salt: Buffer): string {
  const normalised = { realName: values.realName ?? null, birthDate: values.birthDate ?? null, notes: values.notes ?? null };
  return createHash('sha256').update(salt).update(canonicalJson(normalised)).digest('hex');
}

export const isEmptyIdentity = (v: ProtectedIdentity): boolean => !v.realName && !v.birthDate && !v.notes;
