import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Decrypter, Encrypter } from 'age-encryption';
import { CODENAME_WORDS_COUNT, containsCodename, deriveCodenameKeys, generateCodename, normalizeCodename } from './codename.js';
import { generateProtectedIdentity, unlockIdentity } from './sealed.js';
import { CODENAME_WORDS } from './wordlist.generated.js';

describe('codenames', () => {
  it('draws seven words from a list of 8192 distinct words (91 bits)', () => {
    assert.equal(new Set(CODENAME_WORDS).size, 8192);
    const c = generateCodename();
    assert.equal(c.split(' ').length, CODENAME_WORDS_COUNT);
    assert.notEqual(generateCodename(), c);
  });

  it('derives the same keys however the codename is typed, and different keys for another codename', async () => {
    const c = generateCodename();
    const a = await deriveCodenameKeys(c);
    const b = await deriveCodenameKeys(`  ${c.toUpperCase().replace(/ /g, '   ')} `);
    assert.deepEqual(a, b);
    const other = await deriveCodenameKeys(generateCodename());
    assert.notEqual(other.lookupId, a.lookupId);
    assert.notEqual(other.sourceRecipient, a.sourceRecipient);
    assert.match(a.sourceRecipient, /^age1/);
    // The source key really decrypts what is sent to it.
    const e = new Encrypter();
    e.addRecipient(a.sourceRecipient);
    const d = new Decrypter();
    d.addIdentity(b.sourceIdentity);
    assert.equal(await d.decrypt(await e.encrypt('reply'), 'text'), 'reply');
  });

  it('explains what is wrong with a mistyped codename', () => {
    assert.throws(() => normalizeCodename('one two'), /7 words/);
    const words = generateCodename().split(' ');
    words[2] = 'qqqzzz';
    assert.throws(() => normalizeCodename(words.join(' ')), /not a codename word: qqqzzz/);
  });

  it('spots the codename inside a message', () => {
    const c = generateCodename();
    assert.ok(containsCodename(`my code is ${c.toUpperCase()}, thanks`, c));
    assert.ok(containsCodename(c.split(' ').slice(1, 6).join(', '), c));
    assert.ok(!containsCodename('nothing to see here', c));
  });
});

describe('passphrase-protected recipient identities', () => {
  it('unlocks with the passphrase only', async () => {
    const p = await generateProtectedIdentity('correct horse battery staple', 14);
    assert.match(p.protectedIdentity, /BEGIN AGE ENCRYPTED FILE/);
    assert.doesNotMatch(p.protectedIdentity, /AGE-SECRET-KEY/);
    const id = await unlockIdentity(p.protectedIdentity, 'correct horse battery staple');
    assert.match(id, /^AGE-SECRET-KEY-1/);
    await assert.rejects(() => unlockIdentity(p.protectedIdentity, 'wrong passphrase!!'), /wrong passphrase/);
    await assert.rejects(() => generateProtectedIdentity('short'), /at least 12/);
  });
});
