import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { armor, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { checkPassphraseProtected, generateProtectedIdentity, open, seal, unlockIdentity } from './sealed.js';

describe('passphrase-protected identities', () => {
  it('accepts what keygen writes, and it unlocks to an identity that opens messages sealed to its recipient', async () => {
    const p = await generateProtectedIdentity('a long enough passphrase', 16);
    checkPassphraseProtected(p.protectedIdentity);
    const id = await unlockIdentity(p.protectedIdentity, 'a long enough passphrase');
    assert.equal(new TextDecoder().decode(await open(await seal('hello', [p.recipient]), [id])), 'hello');
    await assert.rejects(unlockIdentity(p.protectedIdentity, 'the wrong passphrase!'), /wrong passphrase/);
  });

  it('refuses an identity in the clear, one encrypted to a key, a weak work factor, and garbage', async () => {
    const id = await generateX25519Identity();
    assert.throws(() => checkPassphraseProtected(id), /in the clear/);
    const toKey = armor.encode(await seal(`${id}`.replace('AGE-SECRET-KEY-1', 'x'), [await identityToRecipient(await generateX25519Identity())]));
    assert.throws(() => checkPassphraseProtected(toKey), /passphrase only/);
    const e = new Encrypter();
    e.setPassphrase('a long enough passphrase');
    e.setScryptWorkFactor(10);
    const weak = armor.encode(await e.encrypt('x'));
    assert.throws(() => checkPassphraseProtected(weak), /work factor is too low \(scrypt log N 10/);
    assert.throws(() => checkPassphraseProtected('hello'), /not an armored age file/);
  });
});
