import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { armor } from 'age-encryption';
import { generateProtectedIdentity, open, PullClient, seal, unlockIdentity } from '@custodia/intake';
import { startHarness, type Harness } from '@custodia/intake/testing';
import { DB_KINDS } from '@custodia/store/testing';
import { startTestServer, type TestClient, type TestServer } from '../testing/test-server.js';

const ledger = async (s: TestServer, action: string) =>
  (await s.vault.db.query<{ entry: string }>('SELECT entry FROM ledger_entries WHERE action = $1 ORDER BY seq', [action])).rows.map(
    (r) => JSON.parse(r.entry) as { actor: string; details: Record<string, string> },
  );

for (const kind of DB_KINDS) {
  describe(`intake inbox API over HTTP (${kind})`, () => {
    let h: Harness;
    let s: TestServer;
    let bare: TestServer;
    const as: Record<'admin' | 'cora' | 'ana', TestClient> = {} as never;
    let caseId: number;
    let other: number;
    let subId: string;
    const sourceKey = { identity: '', recipient: '' };

    before(async () => {
      h = await startHarness(kind);
      s = await startTestServer(kind, {
        intake: {
          pull: new PullClient(h.url, h.pullToken),
          portalUrl: h.url,
          ingestBatch: () => {
            throw new Error('no import is run in this test');
          },
        },
      });
      bare = await startTestServer('pglite');
      const a = await s.addUser({ username: 'admin', isAdmin: true, totp: true });
      as.admin = s.client();
      await as.admin.signIn('admin', { totpSecret: a.totpSecret });
      caseId = (await as.admin.json('POST', '/api/cases', { name: 'Intake' })).body.case.id;
      other = (await as.admin.json('POST', '/api/cases', { name: 'Elsewhere' })).body.case.id;
      for (const [name, role, where] of [['cora', 'coordinator', caseId], ['ana', 'analyst', caseId]] as const) {
        const u = await s.addUser({ username: name });
        assert.equal((await as.admin.json('PUT', `/api/cases/${where}/members/${u.user.id}`, { role, grants: [] })).status, 200);
        if (name === 'cora') assert.equal((await as.admin.json('PUT', `/api/cases/${other}/members/${u.user.id}`, { role: 'analyst', grants: [] })).status, 200);
        as[name] = s.client();
        await as[name].signIn(name);
      }
      // A submission as the portal makes it, with one message from the source.
      const { generateX25519Identity, identityToRecipient } = await import('age-encryption');
      sourceKey.identity = await generateX25519Identity();
      sourceKey.recipient = await identityToRecipient(sourceKey.identity);
      const channel = await h.intake.service.repo.channel('videos');
      subId = `sub-${randomBytes(10).toString('hex')}`;
      await h.intake.service.repo.createSubmission({ id: subId, channelId: (channel as unknown as { id: number }).id, lookupId: randomBytes(16).toString('hex'), verifier: randomBytes(32), verifierSalt: randomBytes(16), sourceRecipient: sourceKey.recipient, via: 'portal' });
      await h.intake.service.repo.addMessage(subId, 'source', await seal('Camera 3 shows the corridor.', [h.recipient, sourceKey.recipient]));
    });
    after(async () => {
      await s?.close();
      await bare?.close();
      await h?.close();
    });

    test('coordinators and administrators see channels and submissions; an analyst does not', async () => {
      const o = await as.cora.json('GET', '/api/intake');
      assert.equal(o.status, 200);
      assert.equal(o.body.connected, true);
      assert.deepEqual(o.body.channels, [{ name: 'videos', title: 'Videos from places of detention', recipients: [{ label: 'test recipient', recipient: h.recipient }] }]);
      const list = await as.admin.json('GET', '/api/intake/submissions');
      assert.equal(list.status, 200);
      const sub = list.body.submissions.find((x: { id: string }) => x.id === subId);
      assert.deepEqual({ ...sub, createdAt: undefined }, {
        id: subId, channel: 'videos', via: 'portal', createdAt: undefined, sourceRecipient: sourceKey.recipient, recipients: [h.recipient],
        messages: 1, files: 0, encryptedBytes: 0, importStatus: 'nothing-sealed', batches: [],
      });
      for (const path of ['/api/intake', '/api/intake/submissions', `/api/intake/submissions/${subId}/messages`]) {
        const r = await as.ana.json('GET', path);
        assert.equal(r.status, 403, path);
        assert.match(r.body.error.message, /coordinators and administrators/);
      }
    });

    test('messages leave the server as ciphertext only; a reply must be an age file and is ledgered', async () => {
      const m = await as.cora.json('GET', `/api/intake/submissions/${subId}/messages`);
      assert.equal(m.status, 200);
      assert.equal(m.body.messages.length, 1);
      assert.doesNotMatch(JSON.stringify(m.body), /corridor/);
      assert.equal(new TextDecoder().decode(await open(Buffer.from(m.body.messages[0].ciphertext, 'base64'), [h.identity])), 'Camera 3 shows the corridor.');

      const plain = await as.cora.json('POST', `/api/intake/submissions/${subId}/messages`, { ciphertext: Buffer.from('Received, thanks').toString('base64') });
      assert.equal(plain.status, 400);
      assert.equal(plain.body.error.where, 'body.ciphertext');
      const missing = await as.cora.json('POST', `/api/intake/submissions/sub-${'0'.repeat(20)}/messages`, { ciphertext: Buffer.from(await seal('x', [h.recipient])).toString('base64') });
      assert.equal(missing.status, 404);

      const reply = await seal('Received, thank you.', [sourceKey.recipient, h.recipient]);
      const sent = await as.cora.json('POST', `/api/intake/submissions/${subId}/messages`, { ciphertext: Buffer.from(reply).toString('base64') });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const onIntake = await h.intake.service.repo.messages(subId);
      assert.equal(onIntake.length, 2);
      assert.equal(onIntake[1]!.author, 'staff');
      assert.equal(new TextDecoder().decode(await open(onIntake[1]!.ciphertext, [sourceKey.identity])), 'Received, thank you.', 'the source can read it');
      const entries = await ledger(s, 'intake-reply-sent');
      assert.equal(entries.length, 1);
      assert.equal(entries[0]!.actor, 'user:cora');
      assert.equal(entries[0]!.details.submission, subId);
      assert.equal(entries[0]!.details.ciphertextSha256, sent.body.sha256);
    });

    test('only a passphrase-protected identity is stored; the browser gets it back to open', async () => {
      const { generateX25519Identity } = await import('age-encryption');
      const clear = await as.cora.json('PUT', '/api/intake/identity', { recipient: h.recipient, protectedIdentity: await generateX25519Identity() });
      assert.equal(clear.status, 400);
      assert.equal(clear.body.error.where, 'body.protectedIdentity');
      assert.match(clear.body.error.message, /in the clear/);
      const toKey = await as.cora.json('PUT', '/api/intake/identity', { recipient: h.recipient, protectedIdentity: armor.encode(await seal('x', [h.recipient])) });
      assert.equal(toKey.status, 400);
      assert.match(toKey.body.error.message, /passphrase only/);
      const badRecipient = await as.cora.json('PUT', '/api/intake/identity', { recipient: 'age1nope', protectedIdentity: 'x' });
      assert.equal(badRecipient.body.error.where, 'body.recipient');

      const p = await generateProtectedIdentity('cora intake passphrase', 16);
      const put = await as.cora.json('PUT', '/api/intake/identity', p);
      assert.equal(put.status, 200, JSON.stringify(put.body));
      const o = await as.cora.json('GET', '/api/intake');
      assert.equal(o.body.identity.recipient, p.recipient);
      assert.equal(await unlockIdentity(o.body.identity.protectedIdentity, 'cora intake passphrase').then(() => 'opens'), 'opens');
      assert.equal((await as.admin.json('GET', '/api/intake')).body.identity, null, 'each user has their own');
      const stored = await ledger(s, 'intake-identity-stored');
      assert.deepEqual(stored.map((e) => [e.actor, e.details.recipient]), [['user:cora', p.recipient]]);
      assert.equal((await as.ana.json('PUT', '/api/intake/identity', p)).status, 403);
    });

    test('an import needs the coordinator role in the target case, file keys (never an identity), and a sealed batch', async () => {
      const identity = h.identity;
      const intoOther = await as.cora.json('POST', '/api/intake/imports', { submissionId: subId, caseId: other, fileKeys: [] });
      assert.equal(intoOther.status, 403, 'cora is only an analyst in the other case');
      const withIdentity = await as.cora.json('POST', '/api/intake/imports', { submissionId: subId, caseId, fileKeys: [], identity });
      assert.equal(withIdentity.status, 400, 'an identity is refused');
      assert.match(JSON.stringify(withIdentity.body.error), /identity/);
      const notAKey = await as.cora.json('POST', '/api/intake/imports', { submissionId: subId, caseId, fileKeys: [{ header: '0'.repeat(64), key: 'nope' }] });
      assert.match(notAKey.body.error.where, /^body\.fileKeys/);
      const nothing = await as.cora.json('POST', '/api/intake/imports', { submissionId: subId, caseId, fileKeys: [] });
      assert.equal(nothing.status, 400);
      assert.match(nothing.body.error.message, /no sealed batch waiting/);
      assert.equal((await as.ana.json('POST', '/api/intake/imports', { submissionId: subId, caseId, fileKeys: [] })).status, 403);
    });

    test('without an intake the inbox says so', async () => {
      const a = await bare.addUser({ username: 'root', isAdmin: true, totp: true });
      const c = bare.client();
      await c.signIn('root', { totpSecret: a.totpSecret });
      const o = await c.json('GET', '/api/intake');
      assert.equal(o.status, 200);
      assert.equal(o.body.connected, false);
      const l = await c.json('GET', '/api/intake/submissions');
      assert.equal(l.status, 503);
      assert.match(l.body.error.message, /no source intake is configured/);
    });
  });
}
