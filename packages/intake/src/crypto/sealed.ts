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
