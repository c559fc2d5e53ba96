import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  NoteFormatError, NoteVerificationError, computeKeyId, formatVerifierKey, generateInstanceKey, isValidKeyName, openNote,
  parseSignerKey, parseVerifierKey, signNote,
} from './note.js';

// The example key and note from the documentation and tests of golang.org/x/mod/sumdb/note.
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
// The Go checksum database's public key.
const SUMDB_VKEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';

describe('interoperability with golang.org/x/mod/sumdb/note', () => {
  it('reads the sum.golang.org verifier key and recomputes its key ID 033de0ae', () => {
    const vk = parseVerifierKey(SUMDB_VKEY);
    assert.equal(vk.name, 'sum.golang.org');
    assert.equal(vk.keyId, '033de0ae');
    assert.equal(vk.publicKey.length, 32);
    assert.equal(computeKeyId(vk.name, vk.publicKey), '033de0ae');
    assert.equal(formatVerifierKey(vk.name, vk.publicKey), SUMDB_VKEY);
  });

  it('signs the reference note byte for byte like Go (Ed25519 is deterministic) and opens it', () => {
    const signer = parseSignerKey(GO_SKEY);
    assert.equal(signer.keyId, 'c74f20a3');
    assert.equal(formatVerifierKey(signer.name, signer.publicKey), GO_VKEY);
    assert.equal(signNote(GO_TEXT, signer), GO_NOTE);
    const opened = openNote(GO_NOTE, [GO_VKEY]);
    assert.equal(opened.text, GO_TEXT);
    assert.deepEqual(opened.signatures, [{ name: 'PeterNeumann', keyId: 'c74f20a3', verified: true }]);
  });

  it('rejects every substring and every single-character change of a verifier key', () => {
    parseVerifierKey(GO_VKEY);
    const b = Buffer.from(GO_VKEY);
    for (let i = 0; i <= b.length; i++) {
      for (let j = i + 1; j <= b.length; j++) {
        if (i !== 0 || j !== b.length) assert.throws(() => parseVerifierKey(b.subarray(i, j).toString()), NoteFormatError);
      }
    }
    for (let i = 0; i < b.length; i++) {
      const c = Buffer.from(b);
      c[i]!++;
      // '+' + 1 = ',' and 'Z' + 1 = '[' etc. must all fail, whatever the reason.
      assert.throws(() => parseVerifierKey(c.toString()), NoteFormatError, `byte ${i}`);
    }
  });
});

describe('instance keys', () => {
  it('generates Ed25519 keys whose verifier key round-trips', () => {
    const key = generateInstanceKey('custodia.example/ledger');
    assert.match(key.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(key.publicKey.length, 32);
    assert.match(key.verifierKey, /^custodia\.example\/ledger\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/); // base64 of 33 bytes: no padding
    const vk = parseVerifierKey(key.verifierKey);
    assert.deepEqual(vk.publicKey, key.publicKey);
    assert.equal(vk.keyId, computeKeyId(key.name, key.publicKey));
    const spki = createPublicKey(key.privateKeyPem).export({ format: 'der', type: 'spki' });
    assert.deepEqual(spki.subarray(-32), key.publicKey);
  });

  it('validates key names', () => {
    for (const name of ['a', 'custodia.example/ledger', 'naïve-名前']) assert.ok(isValidKeyName(name), name);
    for (const name of ['', 'a b', 'a+b', 'a\tb', 'a\u00a0b', 'a\u2028b', 'x\ud800']) {
      assert.equal(isValidKeyName(name), false, JSON.stringify(name));
      assert.throws(() => generateInstanceKey(name), NoteFormatError);
    }
  });
});

describe('signNote / openNote', () => {
  const alice = generateInstanceKey('alice.example');
  const bob = generateInstanceKey('bob.example');
  const text = 'custodia.example/ledger\n42\nq83mNRXb+qVnQy1aMVrSKDq6RvJKlEaFHm4ROWUQEPI=\n';

  it('round-trips with one or several signers; unknown signers are listed unverified', () => {
    const one = signNote(text, alice);
    assert.ok(one.startsWith(`${text}\n— alice.example `));
    assert.match(one.slice(text.length + 1), /^— alice\.example [A-Za-z0-9+/]{91}=\n$/);
    assert.deepEqual(openNote(one, [alice.verifierKey]), {
      text,
      signatures: [{ name: 'alice.example', keyId: parseVerifierKey(alice.verifierKey).keyId, verified: true }],
    });
    const both = signNote(text, [alice, bob]);
    const opened = openNote(Buffer.from(both, 'utf8'), [parseVerifierKey(bob.verifierKey)]);
    assert.equal(opened.text, text);
    assert.deepEqual(opened.signatures.map((s) => [s.name, s.verified]), [['alice.example', false], ['bob.example', true]]);
    assert.deepEqual(openNote(both, [alice.verifierKey, bob.verifierKey]).signatures.map((s) => s.verified), [true, true]);
  });

  it('refuses notes not signed by any known key', () => {
    const note = signNote(text, alice);
    assert.throws(() => openNote(note, [bob.verifierKey]), NoteVerificationError);
    assert.throws(() => openNote(note, []), /not signed by any trusted key/);
  });

  it('fails after flipping any single byte of the signed note (text, signature line or framing)', () => {
    const note = Buffer.from(signNote(text, alice), 'utf8');
    for (let i = 0; i < note.length; i++) {
      for (const mask of [0x01, 0x20]) {
        const bad = Buffer.from(note);
        bad[i]! ^= mask;
        assert.throws(() => openNote(bad, [alice.verifierKey]), (err: unknown) => err instanceof NoteFormatError || err instanceof NoteVerificationError, `byte ${i} ^ ${mask}`);
      }
    }
  });

  it('fails after flipping any bit of the decoded key ID + signature', () => {
    const note = signNote(text, alice);
    const line = note.slice(text.length + 1);
    const blob = Buffer.from(line.split(' ')[2]!, 'base64');
    for (let i = 0; i < blob.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = Buffer.from(blob);
        bad[i]! ^= 1 << bit;
        const tampered = `${text}\n— alice.example ${bad.toString('base64')}\n`;
        assert.throws(() => openNote(tampered, [alice.verifierKey]), NoteVerificationError, `byte ${i} bit ${bit}`);
      }
    }
  });

  it('ignores repeated signatures by the same key, like the Go implementation', () => {
    const note = signNote(text, alice);
    const sigLine = note.slice(text.length + 1);
    const opened = openNote(`${note}${sigLine}`, [alice.verifierKey]);
    assert.equal(opened.signatures.length, 1);
  });

  it('rejects malformed notes and text with clear errors', () => {
    const sig = signNote(text, alice).slice(text.length + 1);
    const malformed: [string, RegExp][] = [
      [`${text}${sig}`, /no blank line/],
      [`${text}\n`, /no signature lines/],
      [`${text}\n${sig.slice(0, -1)}`, /end with a newline/],
      [`${text}\n- alice.example AAAA\n`, /does not start with "— "/],
      [`${text}\n— alice.example\n`, /is not "— <name> <base64 signature>"/],
      [`${text}\n— alice example AAAAAAAA\n`, /is not "— <name> <base64 signature>"/],
      [`${text}\n— alice.example AAAA\n`, /is not "— <name> <base64 signature>"/], // too short
      [`${text}\n— alice.example !!!!!!!!\n`, /is not "— <name> <base64 signature>"/],
      [`${text.replace('42', '4\u00072')}\n${sig}`, /control character/],
      [`${text}\n${sig}`.replace('\n', '\r\n'), /control character/],
      [`${text}\n${sig.repeat(101)}`, /more than 100 signatures/],
    ];
    for (const [note, message] of malformed) {
      assert.throws(() => openNote(note, [alice.verifierKey]), (err: unknown) => err instanceof NoteFormatError && message.test(err.message), String(message));
    }
    assert.throws(() => openNote(Buffer.from([0x61, 0x0a, 0x0a, 0xff, 0x0a]), [alice.verifierKey]), /not valid UTF-8/);
    assert.throws(() => signNote('no trailing newline', alice), /end with a newline/);
    assert.throws(() => signNote('', alice), /non-empty/);
    assert.throws(() => signNote('tab\there\n', alice), /control character/);
    assert.throws(() => signNote(text, { ...alice, name: 'bad name' }), /invalid key name/);
    assert.throws(() => signNote(text, []), /at least one signer/);
  });

  it('refuses non-Ed25519 signing keys', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.throws(() => signNote(text, { name: 'ec.example', privateKeyPem: pem }), /Ed25519/);
  });

  it('rejects malformed signer keys', () => {
    assert.throws(() => parseSignerKey(GO_VKEY), /PRIVATE\+KEY/);
    assert.throws(() => parseSignerKey(GO_SKEY.replace('c74f20a3', 'c74f20a4')), /does not match/);
    assert.throws(() => parseSignerKey(GO_SKEY.slice(0, -4)), /not an Ed25519 seed/);
  });
});
