// Signed notes (C2SP signed-note, the format of golang.org/x/mod/sumdb/note) with Ed25519.
//
// A signed note is UTF-8 text, a blank line, then one signature line per signer:
//
//   <text, one or more lines each ending in \n>
//   <blank line>
//   — <key name> <base64(4-byte key ID ‖ 64-byte Ed25519 signature)>\n
//
// The key ID is the first 4 bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key),
// where 0x01 identifies Ed25519. A verifier key is written `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/** Signature type byte for Ed25519 in key IDs and verifier keys. */
export const ED25519_SIGNATURE_TYPE = 0x01;
const EM_DASH_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;

/** Thrown when a note, key name or key string is malformed. */
export class NoteFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoteFormatError';
  }
}

/** Thrown when a note carries an invalid signature by a known key, or no signature by any known key. */
export class NoteVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoteVerificationError';
  }
}

/** An Ed25519 key that signs notes: its name and its PKCS#8 PEM private key. */
export interface NoteSigner {
  name: string;
  privateKeyPem: string;
}

/** A freshly generated instance key. Keep `privateKeyPem` secret; publish `verifierKey`. */
export interface InstanceKey extends NoteSigner {
  /** The 32 raw bytes of the Ed25519 public key. */
  publicKey: Buffer;
  /** `<name>+<key id>+<base64(0x01 ‖ public key)>`, to hand to verifiers. */
  verifierKey: string;
}

/** A parsed verifier key. */
export interface VerifierKey {
  name: string;
  /** 8 lowercase hex characters. */
  keyId: string;
  /** The 32 raw bytes of the Ed25519 public key. */
  publicKey: Buffer;
}

/** One signature line of an opened note. */
export interface NoteSignature {
  name: string;
  /** 8 lowercase hex characters. */
  keyId: string;
  /** True if made by one of the given verifier keys and valid; false if by an unknown key. */
  verified: boolean;
}

/** Result of {@link openNote}. */
export interface OpenedNote {
  /** The signed text, ending in a newline. */
  text: string;
  signatures: NoteSignature[];
}

/**
 * Whether `name` may be a key name: non-empty, no whitespace, no `+`, well-formed Unicode.
 *
 * @example
 * isValidKeyName('custodia.example/log') // => true
 * isValidKeyName('my key')               // => false
 */
export function isValidKeyName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !/[\s\u0085+]/u.test(name) &&
    !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(name)
  );
}

function checkKeyName(name: string): void {
  if (!isValidKeyName(name)) throw new NoteFormatError(`invalid key name ${JSON.stringify(name)}: must be non-empty, without spaces or '+'`);
}

/**
 * Computes a key ID: the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ publicKey), as 8 hex characters.
 *
 * @example
 * computeKeyId('sum.golang.org', publicKey) // => '033de0ae'
 */
export function computeKeyId(name: string, publicKey: Uint8Array): string {
  checkKeyName(name);
  if (publicKey.length !== 32) throw new NoteFormatError('Ed25519 public key must be 32 bytes');
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, ED25519_SIGNATURE_TYPE]))
    .update(publicKey)
    .digest()
    .subarray(0, 4)
    .toString('hex');
}

/**
 * Formats a verifier key string `<name>+<key id>+<base64(0x01 ‖ publicKey)>`.
 *
 * @example
 * formatVerifierKey('custodia.example/log', publicKey) // => 'custodia.example/log+1a2b3c4d+AUk…'
 */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  const keyId = computeKeyId(name, publicKey);
  const material = Buffer.concat([Buffer.from([ED25519_SIGNATURE_TYPE]), publicKey]).toString('base64');
  return `${name}+${keyId}+${material}`;
}

/**
 * Strict standard base64 (with padding) decoding: returns null for anything that would not
 * re-encode identically (missing padding, base64url, whitespace, non-zero unused bits).
 *
 * @example
 * decodeBase64Strict('AQI=') // => <Buffer 01 02>
 * decodeBase64Strict('AQJ=') // => null (non-zero unused bits)
 */
export function decodeBase64Strict(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

/**
 * Parses and checks a verifier key string (the golang.org/x/mod/sumdb/note format): the name
 * must be valid, the key must be Ed25519, and the key ID must match the name and key.
 *
 * @example
 * parseVerifierKey('sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8')
 * // => { name: 'sum.golang.org', keyId: '033de0ae', publicKey: <32 bytes> }
 */
export function parseVerifierKey(vkey: string): VerifierKey {
  if (typeof vkey !== 'string') throw new NoteFormatError('verifier key must be a string');
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) throw new NoteFormatError('verifier key must look like <name>+<key id>+<base64 key>');
  const name = vkey.slice(0, first);
  const idText = vkey.slice(first + 1, second);
  checkKeyName(name);
  if (!/^[0-9a-fA-F]{8}$/.test(idText)) throw new NoteFormatError('verifier key ID must be 8 hex characters');
  const material = decodeBase64Strict(vkey.slice(second + 1));
  if (material === null) throw new NoteFormatError('verifier key material is not valid base64');
  if (material.length !== 33 || material[0] !== ED25519_SIGNATURE_TYPE) {
    throw new NoteFormatError('verifier key is not an Ed25519 key (expected 0x01 followed by 32 bytes)');
  }
  const publicKey = material.subarray(1);
  const keyId = computeKeyId(name, publicKey);
  if (keyId !== idText.toLowerCase()) throw new NoteFormatError(`verifier key ID ${idText} does not match its name and key (expected ${keyId})`);
  return { name, keyId, publicKey: Buffer.from(publicKey) };
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new NoteFormatError('key is not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

/**
 * Generates a new Ed25519 key for a Custodia instance (or any note signer).
 *
 * @example
 * const key = generateInstanceKey('custodia.example/log');
 * key.verifierKey // => 'custodia.example/log+<8 hex>+<base64>' — publish this
 * key.privateKeyPem // => '-----BEGIN PRIVATE KEY-----…' — keep this secret
 */
export function generateInstanceKey(name: string): InstanceKey {
  checkKeyName(name);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  return {
    name,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: raw,
    verifierKey: formatVerifierKey(name, raw),
  };
}

/**
 * Parses a Go-format signer key `PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ 32-byte seed)>`
 * (as made by golang.org/x/mod/sumdb/note.GenerateKey), for importing existing keys.
 *
 * @example
 * const signer = parseSignerKey('PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz');
 * signNote('hello\n', signer);
 */
export function parseSignerKey(skey: string): NoteSigner & { keyId: string; publicKey: Buffer } {
  const prefix = 'PRIVATE+KEY+';
  if (typeof skey !== 'string' || !skey.startsWith(prefix)) throw new NoteFormatError('signer key must start with PRIVATE+KEY+');
  const rest = skey.slice(prefix.length);
  const first = rest.indexOf('+');
  const second = first < 0 ? -1 : rest.indexOf('+', first + 1);
  if (second < 0) throw new NoteFormatError('signer key must look like PRIVATE+KEY+<name>+<key id>+<base64 key>');
  const name = rest.slice(0, first);
  checkKeyName(name);
  const material = decodeBase64Strict(rest.slice(second + 1));
  if (material === null || material.length !== 33 || material[0] !== ED25519_SIGNATURE_TYPE) {
    throw new NoteFormatError('signer key is not an Ed25519 seed (expected base64 of 0x01 followed by 32 bytes)');
  }
  // PKCS#8 wrapping of an Ed25519 seed (RFC 8410): fixed 16-byte header + 32-byte seed.
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), material.subarray(1)]);
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  const keyId = computeKeyId(name, publicKey);
  if (keyId !== rest.slice(first + 1, second).toLowerCase()) throw new NoteFormatError('signer key ID does not match its name and key');
  return { name, keyId, publicKey, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** Checks note text: non-empty, ends in \n, no control characters but \n, well-formed Unicode. */
function checkNoteText(text: string, what: string): void {
  if (text.length === 0 || !text.endsWith('\n')) throw new NoteFormatError(`${what} must be non-empty and end with a newline`);
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw new NoteFormatError(`${what} contains a control character other than newline`);
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text)) {
    throw new NoteFormatError(`${what} is not well-formed Unicode`);
  }
}

/**
 * Signs `text` (which must end in a newline) with one or more Ed25519 signers and returns the
 * signed note: the text, a blank line, and one `— <name> <base64(key ID ‖ signature)>` line per signer.
 *
 * @example
 * const note = signNote('custodia.example/log\n3\nqvWk…=\n', key);
 * // => 'custodia.example/log\n3\nqvWk…=\n\n— custodia.example/log Ab3x…==\n'
 */
export function signNote(text: string, signers: NoteSigner | readonly NoteSigner[]): string {
  checkNoteText(text, 'note text');
  const list = Array.isArray(signers) ? (signers as readonly NoteSigner[]) : [signers as NoteSigner];
  if (list.length === 0) throw new NoteFormatError('at least one signer is required');
  const message = Buffer.from(text, 'utf8');
  let out = `${text}\n`;
  for (const signer of list) {
    checkKeyName(signer.name);
    const privateKey = createPrivateKey(signer.privateKeyPem);
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new NoteFormatError(`signer ${signer.name} does not have an Ed25519 key`);
    const keyId = computeKeyId(signer.name, rawPublicKey(createPublicKey(privateKey)));
    const signature = sign(null, message, privateKey);
    out += `${EM_DASH_PREFIX}${signer.name} ${Buffer.concat([Buffer.from(keyId, 'hex'), signature]).toString('base64')}\n`;
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses a signed note and verifies its signatures against the given verifier keys (strings
 * or parsed). Returns the text and every signature line (`verified: false` for unknown keys).
 * Throws {@link NoteFormatError} if the note is malformed, and {@link NoteVerificationError}
 * if a known key's signature is invalid or if no known key signed it (an untrusted note).
 *
 * @example
 * const { text } = openNote(signedNote, ['custodia.example/log+1a2b3c4d+AUk…']);
 */
export function openNote(signedNote: string | Uint8Array, verifierKeys: readonly (string | VerifierKey)[]): OpenedNote {
  let note: string;
  if (typeof signedNote === 'string') {
    note = signedNote;
  } else {
    try {
      note = utf8.decode(signedNote);
    } catch {
      throw new NoteFormatError('signed note is not valid UTF-8');
    }
  }
  checkNoteText(note, 'signed note');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteFormatError('signed note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const sigBlock = note.slice(split + 2);
  if (sigBlock.length === 0) throw new NoteFormatError('signed note has no signature lines');

  const known = new Map<string, KeyObject>();
  for (const k of verifierKeys) {
    const vk = typeof k === 'string' ? parseVerifierKey(k) : k;
    const id = `${vk.name}+${vk.keyId}`;
    const existing = known.get(id);
    const key = publicKeyObject(vk.publicKey);
    if (existing && !existing.equals(key)) throw new NoteFormatError(`two different verifier keys share the name and ID ${id}`);
    known.set(id, key);
  }

  const message = Buffer.from(text, 'utf8');
  const lines = sigBlock.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteFormatError(`signed note has more than ${MAX_SIGNATURES} signatures`);
  const signatures: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith(EM_DASH_PREFIX)) throw new NoteFormatError(`signature line ${i + 1} does not start with "— "`);
    const rest = line.slice(EM_DASH_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? '' : rest.slice(0, space);
    const blob = space < 0 ? null : decodeBase64Strict(rest.slice(space + 1));
    if (!isValidKeyName(name) || blob === null || blob.length < 5) {
      throw new NoteFormatError(`signature line ${i + 1} is not "— <name> <base64 signature>"`);
    }
    const keyId = blob.subarray(0, 4).toString('hex');
    const id = `${name}+${keyId}`;
    if (seen.has(id)) continue; // repeated signatures by one key are ignored, as in the Go implementation
    seen.add(id);
    const key = known.get(id);
    if (key === undefined) {
      signatures.push({ name, keyId, verified: false });
      continue;
    }
    const signature = blob.subarray(4);
    if (signature.length !== 64 || !verify(null, message, key, signature)) {
      throw new NoteVerificationError(`invalid signature by ${name} (key ${keyId})`);
    }
    signatures.push({ name, keyId, verified: true });
  }
  if (!signatures.some((s) => s.verified)) {
    const names = signatures.map((s) => `${s.name}+${s.keyId}`).join(', ');
    throw new NoteVerificationError(`note is not signed by any trusted key (signed by: ${names})`);
  }
  return { text, signatures };
}
