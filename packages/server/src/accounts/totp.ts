import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(s: string): Buffer {
  const clean = s.toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const i = B32.indexOf(ch);
    if (i < 0) throw new Error('not base32');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export interface TotpOptions {
  digits?: number;
  stepSec?: number;
  algorithm?: 'sha1' | 'sha256' | 'sha512';
}

/**
 * RFC 4226 HOTP value for counter `step` (RFC 6238 TOTP when step = floor(unix time / 30)).
 *
 *   hotp(Buffer.from('12345678901234567890'), 1, { digits: 8 }) // '94287082' (RFC 6238 vector, T=59 s)
 */
export function hotp(secret: Buffer, step: number, opts: TotpOptions = {}): string {
  const digits = opts.digits ?? 6;
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac(opts.algorithm ?? 'sha1', secret).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(bin).padStart(digits, '0');
}

export const totpStep = (unixMs: number, stepSec = 30): number => Math.floor(unixMs / 1000 / stepSec);

/**
 * The time step whose code matches `code` within ±1 step of `unixMs` (clock drift), or null.
 * The caller refuses a step not later than the last accepted one (no replay).
 */
export function matchTotp(secret: Buffer, code: string, unixMs: number, opts: TotpOptions = {}): number | null {
  if (!/^\d{6,8}$/.test(code)) return null;
  const now = totpStep(unixMs, opts.stepSec);
  let found: number | null = null;
  for (const step of [now - 1, now, now + 1]) {
    const expected = Buffer.from(hotp(secret, step, opts));
    const given = Buffer.from(code);
    // Every candidate is compared, whatever matched first: the time taken does not depend on it.
    if (expected.length === given.length && timingSafeEqual(expected, given) && found === null) found = step;
  }
  return found;
}

export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

export function otpauthUrl(issuer: string, account: string, secretB32: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  const q = new URLSearchParams({ secret: secretB32, issuer, algorithm: 'SHA1', digits: '6', period: '30' });
  return `otpauth://totp/${label}?${q.toString()}`;
}
