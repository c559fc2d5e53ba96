import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bech32 } from '@scure/base';
import { identityToRecipient } from 'age-encryption';
import { argon2id } from 'hash-wasm';
import { CODENAME_WORDS } from './wordlist.generated.js';

/** Seven words of 13 bits: 91 bits, beyond any offline guessing. */
export const CODENAME_WORDS_COUNT = 7;

/**
 * Client-side stretching of the codename. The codename never leaves the source's device: the
 * server sees only `lookupId` and `authSecret`, and cannot derive the source's key from them.
 */
const CLIENT_KDF = { salt: 'custodia-intake/v1/codename', iterations: 2, memorySize: 32768, parallelism: 1 } as const;

const wordIndex = new Map(CODENAME_WORDS.map((w, i) => [w, i]));

/** A new codename of random words (crypto.getRandomValues; 8192 words, so no modulo bias). */
export function generateCodename(words = CODENAME_WORDS_COUNT): string {
  const picks = new Uint16Array(words);
  crypto.getRandomValues(picks);
  return Array.from(picks, (n) => CODENAME_WORDS[n % CODENAME_WORDS.length]).join(' ');
}

/** Lower-case, single spaces; throws with a plain-language reason when it cannot be a codename. */
export function normalizeCodename(input: string): string {
  const words = input.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length < CODENAME_WORDS_COUNT) throw new Error(`a codename has ${CODENAME_WORDS_COUNT} words; this has ${words.length}`);
  const unknown = words.filter((w) => !wordIndex.has(w));
  if (unknown.length > 0) throw new Error(`not a codename word: ${unknown.join(', ')} (check the spelling)`);
  return words.join(' ');
}

export interface CodenameKeys {
  /** Public handle of the submission (hex), sent to the server to find it. */
  lookupId: string;
  /** Proves knowledge of the codename (hex); the server keeps only an Argon2id verifier of it. */
  authSecret: string;
  /** The source's age identity: replies are encrypted to its recipient. */
  sourceIdentity: string;
  sourceRecipient: string;
  /** Encrypts resume state kept on the source's device. */
  localStateKey: Uint8Array;
}

export async function deriveCodenameKeys(codename: string): Promise<CodenameKeys> {
  const normalized = normalizeCodename(codename);
  const master = await argon2id({ password: normalized, ...CLIENT_KDF, hashLength: 32, outputType: 'binary' });
  const sub = (label: string, n = 32) => hkdf(sha256, master, undefined, new TextEncoder().encode(`custodia-intake/v1/${label}`), n);
  const sourceIdentity = bech32.encodeFromBytes('AGE-SECRET-KEY-', sub('source-x25519')).toUpperCase();
  return {
    lookupId: hex(sub('lookup', 16)),
    authSecret: hex(sub('auth')),
    sourceIdentity,
    sourceRecipient: await identityToRecipient(sourceIdentity),
    localStateKey: sub('local-state'),
  };
}

/** True when `text` contains the codename (or five of its words in a row): such a message is refused. */
export function containsCodename(text: string, codename: string): boolean {
  const words = normalizeCodename(codename).split(' ');
  const flat = ` ${text.toLowerCase().replace(/[^a-z]+/g, ' ')} `;
  for (let i = 0; i + 5 <= words.length; i++) if (flat.includes(` ${words.slice(i, i + 5).join(' ')} `)) return true;
  return false;
}

export function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
