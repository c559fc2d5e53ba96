// The staff side of the intake's cryptography, run in the browser only: the X25519 identity is
// made or opened here with the user's passphrase (age scrypt), messages are decrypted here, and
// replies are encrypted here to the source's key and the channel's recipients. The server keeps
// the passphrase-protected file and passes ciphertext; it never sees the passphrase or the key.
import { armor, Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';

export const MIN_PASSPHRASE = 12;
/** age's own default work factor; the server refuses to keep anything below 16. */
const SCRYPT_LOG_N = 18;

export async function createProtectedIdentity(passphrase: string): Promise<{ recipient: string; protectedIdentity: string; identity: string }> {
  if (passphrase.length < MIN_PASSPHRASE) throw new Error(`passphrase-short:${MIN_PASSPHRASE}`);
  const identity = await generateX25519Identity();
  const e = new Encrypter();
  e.setPassphrase(passphrase);
  e.setScryptWorkFactor(SCRYPT_LOG_N);
  const sealed = await e.encrypt(`${identity}\n`);
  return { recipient: await identityToRecipient(identity), protectedIdentity: armor.encode(sealed), identity };
}

/** Opens a protected identity (what `custodia intake keygen` writes, or one made here); returns the identity and its recipient. */
export async function unlockIdentity(protectedIdentity: string, passphrase: string): Promise<{ identity: string; recipient: string }> {
  const d = new Decrypter();
  d.addPassphrase(passphrase);
  let text: string;
  try {
    text = await d.decrypt(armor.decode(protectedIdentity.trim()), 'text');
  } catch {
    throw new Error('wrong-passphrase');
  }
  const identity = text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))?.trim();
  if (!identity) throw new Error('no-identity');
  return { identity, recipient: await identityToRecipient(identity) };
}

const fromB64 = (s: string): Uint8Array => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
function toB64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}

/** A message's text, or null when it is not encrypted to this identity. */
export async function openMessage(ciphertextB64: string, identity: string): Promise<string | null> {
  const d = new Decrypter();
  d.addIdentity(identity);
  try {
    return await d.decrypt(fromB64(ciphertextB64), 'text');
  } catch {
    return null;
  }
}

export async function sealReply(text: string, recipients: readonly string[]): Promise<string> {
  const e = new Encrypter();
  for (const r of new Set(recipients)) e.addRecipient(r);
  return toB64(await e.encrypt(text));
}

/**
 * A web import (ADR 0028): each age header the server lists (manifests and uploads of the batches
 * to import) is unwrapped here with the identity; only the 16-byte file keys, named by the SHA-256
 * of their header, go to the server. The identity never leaves the page.
 */
export async function unwrapFileKeys(headers: { header: string; sha256: string }[], identity: string): Promise<{ header: string; key: string }[]> {
  const d = new Decrypter();
  d.addIdentity(identity);
  const out: { header: string; key: string }[] = [];
  for (const h of headers) {
    const key = await d.decryptHeader(fromB64(h.header));
    out.push({ header: h.sha256, key: toB64(key) });
  }
  return out;
}
