import { armor, Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';

/** Encrypts a small payload (a message, a manifest) to age recipients. */
export async function seal(data: Uint8Array | string, recipients: readonly string[]): Promise<Uint8Array> {
  if (recipients.length === 0) throw new Error('at least one recipient is required');
  const e = new Encrypter();
  for (const r of recipients) e.addRecipient(r);
  return e.encrypt(data);
}

export async function open(ciphertext: Uint8Array, identities: readonly string[]): Promise<Uint8Array> {
  const d = new Decrypter();
  for (const i of identities) d.addIdentity(i);
  return d.decrypt(ciphertext);
}

/** A staff recipient's key pair; the identity is returned only passphrase-protected. */
export interface ProtectedIdentity {
  recipient: string;
  /** An armored age file encrypted with scrypt to the passphrase; `age -d` opens it too. */
  protectedIdentity: string;
}

export const MIN_PASSPHRASE = 12;

/** `scryptLogN` 18 is age's own default (about a second on a laptop); lower only in tests. */
export async function generateProtectedIdentity(passphrase: string, scryptLogN = 18): Promise<ProtectedIdentity> {
  if (passphrase.length < MIN_PASSPHRASE) throw new Error(`the passphrase must have at least ${MIN_PASSPHRASE} characters`);
  const identity = await generateX25519Identity();
  const e = new Encrypter();
  e.setPassphrase(passphrase);
  e.setScryptWorkFactor(scryptLogN);
  const sealed = await e.encrypt(`${identity}\n`);
  return { recipient: await identityToRecipient(identity), protectedIdentity: armor.encode(sealed) };
}

export async function unlockIdentity(protectedIdentity: string, passphrase: string): Promise<string> {
  const d = new Decrypter();
  d.addPassphrase(passphrase);
  let text: string;
  try {
    text = await d.decrypt(armor.decode(protectedIdentity), 'text');
  } catch {
    throw new Error('wrong passphrase, or not a protected identity file');
  }
  const identity = text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'));
  if (!identity) throw new Error('the protected file holds no age identity');
  return identity.trim();
}

/** The lowest scrypt work factor accepted for an identity kept on a server (age's default is 18). */
export const MIN_STORED_SCRYPT_LOG_N = 16;

/**
 * Checks, without any passphrase, that `armored` is an age file encrypted *only* to a passphrase
 * (one scrypt stanza, work factor ≥ MIN_STORED_SCRYPT_LOG_N): what a server may keep for a user.
 * A bare `AGE-SECRET-KEY-1…`, an X25519-encrypted file or a weak work factor is refused.
 */
export function checkPassphraseProtected(armored: string): void {
  if (/AGE-SECRET-KEY-1/i.test(armored)) throw new Error('this is an identity in the clear: only a passphrase-protected identity may be stored');
  let bytes: Uint8Array;
  try {
    bytes = armor.decode(armored.trim());
  } catch {
    throw new Error('not an armored age file (-----BEGIN AGE ENCRYPTED FILE-----)');
  }
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 1024)));
  const lines = text.split('\n');
  if (lines[0] !== 'age-encryption.org/v1') throw new Error('not an age v1 file');
  const stanzas = lines.filter((l) => l.startsWith('-> '));
  const macAt = lines.findIndex((l) => l.startsWith('--- '));
  if (macAt < 0) throw new Error('the age header is incomplete');
  if (stanzas.length !== 1 || !stanzas[0]!.startsWith('-> scrypt ')) throw new Error('the identity must be encrypted to a passphrase only (one scrypt stanza)');
  const logN = Number(stanzas[0]!.split(' ')[3]);
  if (!Number.isInteger(logN) || logN < MIN_STORED_SCRYPT_LOG_N) throw new Error(`the passphrase work factor is too low (scrypt log N ${stanzas[0]!.split(' ')[3]}, at least ${MIN_STORED_SCRYPT_LOG_N})`);
}
