import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointFormatError, formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint.js';
import { verifyConsistency } from './merkle-verify.js';
import { MerkleTree, leafHash } from './merkle.js';
import { NoteVerificationError, generateInstanceKey, signNote } from './note.js';

// Root of the 8-entry certificate-transparency reference tree (see merkle.test.ts).
const ROOT = Buffer.from('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328', 'hex');
const BODY = 'custodia.example/ledger\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n';

describe('checkpoint format', () => {
  it('formats and parses the C2SP tlog-checkpoint body', () => {
    assert.equal(formatCheckpoint({ origin: 'custodia.example/ledger', size: 8, rootHash: ROOT }), BODY);
    assert.deepEqual(parseCheckpoint(BODY), { origin: 'custodia.example/ledger', size: 8, rootHash: ROOT, extensions: [] });
    const withExt = formatCheckpoint({ origin: 'o', size: 0, rootHash: ROOT, extensions: ['ext one', 'ext two'] });
    assert.equal(withExt, 'o\n0\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\next one\next two\n');
    assert.deepEqual(parseCheckpoint(withExt).extensions, ['ext one', 'ext two']);
    assert.equal(parseCheckpoint(`o\n${Number.MAX_SAFE_INTEGER}\n${ROOT.toString('base64')}\n`).size, Number.MAX_SAFE_INTEGER);
  });

  it('parses strictly', () => {
    const root = ROOT.toString('base64');
    const bad: [string, RegExp][] = [
      [BODY.slice(0, -1), /end with a newline/],
      ['o\n8\n', /at least 3 lines/],
      [`\n8\n${root}\n`, /origin must be a non-empty/],
      [`o\n08\n${root}\n`, /leading zeros/],
      [`o\n+8\n${root}\n`, /leading zeros/],
      [`o\n-1\n${root}\n`, /leading zeros/],
      [`o\n 8\n${root}\n`, /leading zeros/],
      [`o\n\n${root}\n`, /leading zeros/],
      [`o\n8.0\n${root}\n`, /leading zeros/],
      [`o\n9007199254740992\n${root}\n`, /too large/],
      [`o\n8\n${ROOT.subarray(1).toString('base64')}\n`, /canonical base64 of 32 bytes/],
      [`o\n8\n${root.replace('Qyg=', 'Qyh=')}\n`, /canonical base64/], // non-zero padding bits
      [`o\n8\n${root.replace('=', '')}\n`, /canonical base64/],
      [`o\n8\n${root.replace(/\+/g, '-').replace(/\//g, '_')}\n`, /canonical base64/], // base64url
      [`o\n8\n${root}\n\n`, /extension line 1 must be a non-empty/],
      [`o\n8\n${root}\nx\r\n`, /control characters/],
    ];
    for (const [text, message] of bad) {
      assert.throws(() => parseCheckpoint(text), (err: unknown) => err instanceof CheckpointFormatError && message.test(err.message), JSON.stringify(text));
    }
  });

  it('refuses to format invalid checkpoints', () => {
    assert.throws(() => formatCheckpoint({ origin: 'a\nb', size: 1, rootHash: ROOT }), /origin/);
    assert.throws(() => formatCheckpoint({ origin: '', size: 1, rootHash: ROOT }), /origin/);
    assert.throws(() => formatCheckpoint({ origin: 'o', size: -1, rootHash: ROOT }), /size/);
    assert.throws(() => formatCheckpoint({ origin: 'o', size: 1.5, rootHash: ROOT }), /size/);
    assert.throws(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: ROOT.subarray(2) }), /32 bytes/);
    assert.throws(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: ROOT, extensions: [''] }), /extension/);
  });
});

describe('signed checkpoints', () => {
  const key = generateInstanceKey('custodia.example/ledger');
  const tree = new MerkleTree(['a', 'b', 'c', 'd', 'e'].map((s) => leafHash(s)));

  it('sign, open, and chain with a consistency proof', () => {
    const old = signCheckpoint({ origin: key.name, size: 3, rootHash: tree.root(3) }, key);
    const now = signCheckpoint({ origin: key.name, size: 5, rootHash: tree.root(5) }, key);
    const a = openCheckpoint(old, [key.verifierKey], { origin: key.name }).checkpoint;
    const b = openCheckpoint(Buffer.from(now), [key.verifierKey]).checkpoint;
    assert.equal(a.size, 3);
    assert.equal(b.size, 5);
    assert.ok(verifyConsistency(a.size, b.size, tree.consistencyProof(3, 5), a.rootHash, b.rootHash));
  });

  it('rejects wrong origin, tampering and unknown keys', () => {
    const signed = signCheckpoint({ origin: key.name, size: 5, rootHash: tree.root() }, key);
    assert.throws(() => openCheckpoint(signed, [key.verifierKey], { origin: 'other.example/ledger' }), /origin is/);
    assert.throws(() => openCheckpoint(signed.replace('\n5\n', '\n6\n'), [key.verifierKey]), NoteVerificationError);
    assert.throws(() => openCheckpoint(signed, [generateInstanceKey(key.name).verifierKey]), NoteVerificationError);
    assert.throws(() => openCheckpoint(signNote('just a note\n', key), [key.verifierKey]), CheckpointFormatError);
  });
});
