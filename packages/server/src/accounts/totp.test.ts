import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, base32Encode, hotp, matchTotp, totpStep } from './totp.js';

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890"; 8 digits.
const SEED = Buffer.from('12345678901234567890');
const VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

test('TOTP matches the RFC 6238 SHA-1 test vectors', () => {
  for (const [t, code] of VECTORS) assert.equal(hotp(SEED, totpStep(t * 1000), { digits: 8 }), code, `T=${t}`);
});

test('RFC 4226 HOTP vectors (6 digits)', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  expected.forEach((code, i) => assert.equal(hotp(SEED, i), code));
});

test('a code is accepted one step either side, not two', () => {
  const t = 1_700_000_000_000;
  const now = totpStep(t);
  for (const d of [-1, 0, 1]) assert.equal(matchTotp(SEED, hotp(SEED, now + d), t), now + d);
  for (const d of [-2, 2]) assert.equal(matchTotp(SEED, hotp(SEED, now + d), t), null);
  assert.equal(matchTotp(SEED, 'abcdef', t), null);
});

test('base32 round trip (RFC 4648)', () => {
  assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI');
  assert.deepEqual(base32Decode('MZXW6YTBOI======'), Buffer.from('foobar'));
  assert.deepEqual(base32Decode('mzxw 6ytb oi'), Buffer.from('foobar'));
});
