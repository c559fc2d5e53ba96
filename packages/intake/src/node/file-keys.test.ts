import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { seal } from '../crypto/sealed.js';
import { unwrapFileKeys } from '../crypto/unwrap-file-keys.js';
import { deterministicBytes } from '../testing/deterministic-bytes.js';
import { ageHeaderOf, FileKeyRing, headerDigest } from './file-keys.js';
import { openAge } from './node-age.js';

describe('per-file keys (ADR 0028)', () => {
  it('a file key unwrapped with the identity opens its file only; a missing or wrong key is refused', async () => {
    const identity = await generateX25519Identity();
    const recipient = await identityToRecipient(identity);
    const plainA = deterministicBytes(1, 0, 200_000);
    const plainB = deterministicBytes(2, 0, 1_000);
    const a = await seal(plainA, [recipient]);
    const b = await seal(plainB, [recipient]);
    const headers = [a, b].map((f) => {
      const header = ageHeaderOf(f)!;
      return { header: Buffer.from(header).toString('base64'), sha256: headerDigest(header) };
    });
    const keys = await unwrapFileKeys(headers, identity);
    assert.equal(keys.length, 2);
    assert.ok(keys.every((k) => Buffer.from(k.key, 'base64').length === 16));

    const ring = new FileKeyRing();
    ring.add(keys[0]!.header, Buffer.from(keys[0]!.key, 'base64'));
    assert.deepEqual(Buffer.from(await openAge(a, ring)), Buffer.from(plainA));
    await assert.rejects(openAge(b, ring), /no file key was given for this file/);
    // B's header named with A's key: the MAC check refuses it before any payload is read.
    ring.add(keys[1]!.header, Buffer.from(keys[0]!.key, 'base64'));
    await assert.rejects(openAge(b, ring), /does not open this file \(header MAC mismatch\)/);
    // Tampered payload under the right key: the chunk fails authentication.
    const ring2 = new FileKeyRing();
    ring2.add(keys[0]!.header, Buffer.from(keys[0]!.key, 'base64'));
    const bad = Uint8Array.from(a);
    bad[bad.length - 100]! ^= 1;
    await assert.rejects(openAge(bad, ring2), /failed authentication/);
    ring2.clear();
    assert.equal(ring2.size, 0);
    await assert.rejects(openAge(a, ring2), /no file key/);
  });
});
