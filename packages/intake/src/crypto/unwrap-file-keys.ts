import { Decrypter } from 'age-encryption';

/**
 * The staff side of a web import (ADR 0028), portable (the web app runs the same steps): each age
 * header the server lists is unwrapped with the identity, which never leaves the caller; only the
 * 16-byte file keys, named by their header's SHA-256, are sent.
 */
export async function unwrapFileKeys(headers: { header: string; sha256: string }[], identity: string): Promise<{ header: string; key: string }[]> {
  const d = new Decrypter();
  d.addIdentity(identity);
  const out: { header: string; key: string }[] = [];
  for (const h of headers) {
    const bytes = Uint8Array.from(atob(h.header), (c) => c.charCodeAt(0));
    const key = await d.decryptHeader(bytes);
    out.push({ header: h.sha256, key: btoa(String.fromCharCode(...key)) });
  }
  return out;
}
