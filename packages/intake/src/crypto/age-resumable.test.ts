import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Decrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { deterministicBytes, deterministicReader, sha256Of } from '../testing/deterministic-bytes.js';
import { newAgeFile } from './age-resumable.js';
import { EncryptingSource } from './encrypting-source.js';
import { paddedLength } from './padding.js';

async function encryptWhole(size: number, recipients: string[]) {
  const plain = deterministicReader(7, size);
  const source = await EncryptingSource.open(plain, await newAgeFile(recipients));
  const ciphertext = await source.slice(0, source.size);
  return { source, ciphertext, plaintext: await plain.read(0, size) };
}

describe('resumable age encryption', () => {
  it('writes a standard age file that typage and the age CLI both decrypt, padded with zeros to its bucket', async () => {
    const id1 = await generateX25519Identity();
    const id2 = await generateX25519Identity();
    const size = 3 * 65536 + 1234;
    const { source, ciphertext, plaintext } = await encryptWhole(size, [await identityToRecipient(id1), await identityToRecipient(id2)]);
    assert.equal(source.paddedLength, paddedLength(size));
    assert.ok(source.paddedLength > size);
    assert.equal(await source.sha256(), sha256Of(plaintext));

    const d = new Decrypter();
    d.addIdentity(id2);
    const out = await d.decrypt(ciphertext);
    assert.equal(out.length, source.paddedLength);
    assert.equal(sha256Of(out.subarray(0, size)), sha256Of(plaintext));
    assert.ok(out.subarray(size).every((b) => b === 0));

    const dir = mkdtempSync(join(tmpdir(), 'custodia-age-'));
    try {
      writeFileSync(join(dir, 'key.txt'), `${id1}\n`, { mode: 0o600 });
      writeFileSync(join(dir, 'file.age'), ciphertext);
      const cli = execFileSync('age', ['-d', '-i', join(dir, 'key.txt'), join(dir, 'file.age')], { maxBuffer: 1 << 26 });
      assert.equal(cli.length, source.paddedLength);
      assert.equal(sha256Of(cli.subarray(0, size)), sha256Of(plaintext));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('produces any byte range on demand, identical to the whole file (what resuming relies on)', async () => {
    const id = await generateX25519Identity();
    const { source, ciphertext } = await encryptWhole(5 * 65536 + 77, [await identityToRecipient(id)]);
    const cuts = [0, 1, 100, 65536, 65552, 65553, 200000, 262144, ciphertext.length - 17, ciphertext.length];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const part = await source.slice(cuts[i]!, cuts[i + 1]!);
      assert.deepEqual(Buffer.from(part), Buffer.from(ciphertext.subarray(cuts[i], cuts[i + 1])), `range ${cuts[i]}-${cuts[i + 1]}`);
    }
  });

  it('hashes the whole plaintext even when the upload resumes past bytes it never read', async () => {
    const id = await generateX25519Identity();
    const size = 4 * 65536 + 5;
    const secret = await newAgeFile([await identityToRecipient(id)]);
    const source = await EncryptingSource.open(deterministicReader(3, size), secret);
    await source.slice(150_000, source.size);
    assert.equal(await source.sha256(), sha256Of(deterministicBytes(3, 0, size)));
  });

  it('refuses a tampered ciphertext', async () => {
    const id = await generateX25519Identity();
    const { ciphertext } = await encryptWhole(100_000, [await identityToRecipient(id)]);
    const bad = ciphertext.slice();
    bad[bad.length - 5000] = bad[bad.length - 5000]! ^ 1;
    const d = new Decrypter();
    d.addIdentity(id);
    await assert.rejects(() => d.decrypt(bad));
  });

  it('encrypts an empty file', async () => {
    const id = await generateX25519Identity();
    const { source, ciphertext } = await encryptWhole(0, [await identityToRecipient(id)]);
    const d = new Decrypter();
    d.addIdentity(id);
    const out = await d.decrypt(ciphertext);
    assert.equal(out.length, source.paddedLength);
    assert.equal(await source.sha256(), sha256Of(new Uint8Array(0)));
  });
});

describe('Padmé padding', () => {
  it('leaves at most 12 % overhead and rounds sizes into few buckets', () => {
    for (const n of [0, 1, 4095, 4097, 10_000, 1_000_000, 123_456_789, 40 * 2 ** 30 + 12345]) {
      const p = paddedLength(n);
      assert.ok(p >= n && p >= 4096);
      if (n > 4096) assert.ok(p / n <= 1.12, `${n} -> ${p}`);
    }
    assert.equal(paddedLength(1_000_000), paddedLength(1_010_000));
  });
});

describe('native and portable ChaCha20-Poly1305', () => {
  it('write the same ciphertext, and the streaming decrypter reads it and refuses a modified chunk', async () => {
    const { nodeChunkSeal, decryptAge } = await import('../node/node-age.js');
    const id = await generateX25519Identity();
    const secret = await newAgeFile([await identityToRecipient(id)]);
    const plain = deterministicReader(9, 200_001);
    const portable = await EncryptingSource.open(plain, secret);
    const native = await EncryptingSource.open(plain, secret, nodeChunkSeal);
    const a = await portable.slice(0, portable.size);
    const b = await native.slice(0, native.size);
    assert.deepEqual(Buffer.from(a), Buffer.from(b));
    async function* pieces(bytes: Uint8Array) {
      for (let i = 0; i < bytes.length; i += 10_000) yield bytes.subarray(i, i + 10_000);
    }
    const out: Uint8Array[] = [];
    for await (const p of decryptAge(pieces(a), [id])) out.push(p);
    const all = Buffer.concat(out);
    assert.equal(all.length, portable.paddedLength);
    assert.equal(sha256Of(all.subarray(0, plain.size)), sha256Of(await plain.read(0, plain.size)));
    const bad = a.slice();
    bad[100_000] = bad[100_000]! ^ 0x80;
    await assert.rejects(async () => {
      for await (const _ of decryptAge(pieces(bad), [id])) void _;
    }, /failed authentication/);
  });
});
