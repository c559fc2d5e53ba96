import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_KINDS } from '@custodia/store/testing';
import { startTestServer, totpNow, TEST_PASSWORD, type TestServer } from '../testing/test-server.js';
import { PgAccountsRepo } from '../accounts/pg-accounts.repo.js';
import { issuePasswordReset } from '../accounts/password-reset.use-case.js';

const actions = async (s: TestServer) =>
  (await s.vault.db.query<{ entry: string }>('SELECT entry FROM ledger_entries ORDER BY seq')).rows.map((r) => JSON.parse(r.entry) as { actor: string; action: string });

for (const kind of DB_KINDS) {
  describe(`accounts and sessions over HTTP (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind, { settings: { throttleFreeFailures: 3 } });
    });
    after(() => s?.close());

    test('first run: setup code creates the first admin, who must enrol TOTP before anything else', async () => {
      const c = s.client();
      assert.deepEqual((await c.json('GET', '/api/setup')).body, { needed: true });
      const wrong = await c.json('POST', '/api/setup', { setupCode: 'AAAA-BBBB', username: 'root', displayName: 'Root', password: TEST_PASSWORD });
      assert.equal(wrong.status, 403);
      assert.equal(wrong.body.error.where, 'body.setupCode');
      const bad = await c.json('POST', '/api/setup', { setupCode: 'x', username: 'Root!', displayName: 'Root', password: 'short' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'invalid');
      assert.match(bad.body.error.where, /^body\.(username|password)$/);

      const code = await s.deps.setup.ensure();
      const ok = await c.json('POST', '/api/setup', { setupCode: code.toLowerCase(), username: 'root', displayName: 'Root', password: TEST_PASSWORD });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.equal(ok.body.restricted, true);
      assert.equal((await c.json('GET', '/api/setup')).body.needed, false);
      // A restricted session can only enrol.
      assert.equal((await c.json('GET', '/api/users')).body.error.code, 'totp-enrolment-required');
      const enrol = await c.json('POST', '/api/me/totp/enrol');
      assert.equal(enrol.status, 200);
      assert.match(enrol.body.otpauthUrl, /^otpauth:\/\/totp\/.*secret=/);
      const wrongCode = await c.json('POST', '/api/me/totp/confirm', { code: '000000' });
      assert.equal(wrongCode.status, 400);
      const conf = await c.json('POST', '/api/me/totp/confirm', { code: totpNow(enrol.body.secret) });
      assert.equal(conf.status, 200, JSON.stringify(conf.body));
      assert.equal(conf.body.user.totpEnabled, true);
      assert.equal((await c.json('GET', '/api/users')).status, 200);
      // The code just used cannot be used again to sign in.
      const replay = await s.client().json('POST', '/api/session', { username: 'root', password: TEST_PASSWORD, totp: totpNow(enrol.body.secret) });
      assert.equal(replay.status, 401);
      assert.equal(replay.body.error.code, 'totp-required');
      const log = await actions(s);
      assert.ok(log.some((e) => e.action === 'user-created' && e.actor === 'user:root'));
      assert.ok(log.some((e) => e.action === 'totp-enrolled' && e.actor === 'user:root'));
    });

    test('sign-in: same answer for unknown user and wrong password; TOTP asked for; session cookie flags', async () => {
      const { totpSecret } = await s.addUser({ username: 'ana', totp: true });
      const c = s.client();
      const unknown = await c.json('POST', '/api/session', { username: 'nobody', password: 'whatever it is' });
      const wrong = await c.json('POST', '/api/session', { username: 'ana', password: 'whatever it is' });
      assert.equal(unknown.status, 401);
      assert.deepEqual({ ...unknown.body.error, requestId: 0 }, { ...wrong.body.error, requestId: 0 });
      const noCode = await c.json('POST', '/api/session', { username: 'ana', password: TEST_PASSWORD });
      assert.equal(noCode.status, 401);
      assert.equal(noCode.body.error.code, 'totp-required');
      const ok = await c.json('POST', '/api/session', { username: 'ana', password: TEST_PASSWORD, totp: totpNow(totpSecret!) });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const cookie = ok.res.headers.get('set-cookie')!;
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Strict/);
      assert.match(cookie, /Path=\//);
      const me = await c.json('GET', '/api/session');
      assert.equal(me.body.user.username, 'ana');
      assert.equal(me.body.restricted, false);
      assert.ok((await actions(s)).some((e) => e.action === 'signed-in' && e.actor === 'user:ana'));
    });

    test('password reset: a one-time code from the server machine sets a new password and ends the sessions', async () => {
      await s.addUser({ username: 'pavel' });
      const old = s.client();
      await old.signIn('pavel');
      const deps = { db: s.vault.db, ledger: s.vault.ledger, accounts: new PgAccountsRepo(s.vault.db) };
      await assert.rejects(issuePasswordReset(deps, 'nobody', 'operator'), { code: 'NotFound' });
      const { code } = await issuePasswordReset(deps, 'pavel', 'operator');
      assert.match(code, /^[2-9A-Z]{4}(-[2-9A-Z]{4}){3}$/);
      const c = s.client();
      const next = 'a brand new passphrase';
      const wrong = await c.json('POST', '/api/password-reset', { username: 'pavel', code: 'AAAA-BBBB-CCCC-DDDD', password: next });
      assert.equal(wrong.status, 403);
      assert.equal(wrong.body.error.where, 'body.code');
      const unknown = await c.json('POST', '/api/password-reset', { username: 'nobody', code, password: next });
      assert.deepEqual({ ...unknown.body.error, requestId: 0 }, { ...wrong.body.error, requestId: 0 });
      const weak = await c.json('POST', '/api/password-reset', { username: 'pavel', code, password: 'short' });
      assert.equal(weak.status, 400);
      assert.equal(weak.body.error.where, 'body.password');
      // The old password works until the code is used.
      assert.equal((await s.client().json('POST', '/api/session', { username: 'pavel', password: TEST_PASSWORD })).status, 200);
      const ok = await c.json('POST', '/api/password-reset', { username: 'pavel', code: code.toLowerCase(), password: next });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal((await old.json('GET', '/api/session')).status, 401, 'the old session ended');
      assert.equal((await c.json('POST', '/api/password-reset', { username: 'pavel', code, password: 'yet another passphrase' })).status, 403, 'a code works once');
      assert.equal((await s.client().json('POST', '/api/session', { username: 'pavel', password: TEST_PASSWORD })).status, 401);
      assert.equal((await s.client().json('POST', '/api/session', { username: 'pavel', password: next })).status, 200);
      const log = await actions(s);
      assert.ok(log.some((e) => e.action === 'password-reset-issued' && e.actor === 'operator'));
      assert.ok(log.some((e) => e.action === 'password-reset' && e.actor === 'user:pavel'));
      const raw = (await s.vault.db.query<{ entry: string }>('SELECT entry FROM ledger_entries')).rows.map((r) => r.entry).join('\n');
      assert.ok(!raw.includes(code) && !raw.includes(next), 'neither the code nor the password is in the ledger');
    });

    test('throttling per username: locked after N failures, even with the right password', async () => {
      await s.addUser({ username: 'bob' });
      const c = s.client();
      for (let i = 0; i < 3; i++) assert.equal((await c.json('POST', '/api/session', { username: 'bob', password: 'wrong password!' })).status, 401);
      const locked = await c.json('POST', '/api/session', { username: 'bob', password: 'wrong password!' });
      assert.equal(locked.status, 429);
      assert.equal(locked.body.error.code, 'throttled');
      assert.ok(Number(locked.res.headers.get('retry-after')) >= 1);
      assert.equal((await c.json('POST', '/api/session', { username: 'bob', password: TEST_PASSWORD })).status, 429);
      // Another username is not affected; nothing about the caller's address is stored.
      await s.addUser({ username: 'carol' });
      await s.client().signIn('carol');
      const cols = await s.vault.db.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name IN ('sessions','login_attempts','users')");
      assert.ok(!cols.rows.some((r) => /ip|addr|agent/.test(r.column_name)));
    });

    test('CSRF: writes need the header and our own Origin; sign out everywhere ends other sessions', async () => {
      await s.addUser({ username: 'dora' });
      const a = s.client();
      const b = s.client();
      await a.signIn('dora');
      await b.signIn('dora');
      const noHeader = await a.json('PATCH', '/api/me/settings', { revealMedia: true }, { 'x-csrf-token': '' });
      assert.equal(noHeader.status, 403);
      assert.equal(noHeader.body.error.where, 'header.x-csrf-token');
      const foreign = await a.json('PATCH', '/api/me/settings', { revealMedia: true }, { origin: 'https://evil.example' });
      assert.equal(foreign.status, 403);
      const ok = await a.json('PATCH', '/api/me/settings', { revealMedia: true, locale: 'ru' }, { origin: s.url });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.user.settings.revealMedia, true);
      assert.equal((await a.json('POST', '/api/session/revoke-all')).body.revoked, 2);
      assert.equal((await b.json('GET', '/api/session')).status, 401);
      assert.equal((await a.json('GET', '/api/session')).status, 401);
      assert.ok((await actions(s)).some((e) => e.action === 'signed-out-everywhere' && e.actor === 'user:dora'));
    });

    test('password change signs out the other sessions; disabled accounts cannot sign in', async () => {
      await s.addUser({ username: 'eve' });
      const a = s.client();
      const b = s.client();
      await a.signIn('eve');
      await b.signIn('eve');
      assert.equal((await a.json('PATCH', '/api/me/password', { current: 'not it at all', next: 'a brand new password' })).status, 403);
      assert.equal((await a.json('PATCH', '/api/me/password', { current: TEST_PASSWORD, next: 'a brand new password' })).status, 200);
      assert.equal((await b.json('GET', '/api/session')).status, 401);
      assert.equal((await a.json('GET', '/api/session')).status, 200);
      const admin = s.client();
      const root = await s.deps.accounts.userByUsername('eve');
      const { totpSecret } = await s.addUser({ username: 'admin2', isAdmin: true, totp: true });
      await admin.signIn('admin2', { totpSecret });
      assert.equal((await admin.json('PATCH', `/api/users/${root!.id}`, { disabled: true })).status, 200);
      assert.equal((await a.json('GET', '/api/session')).status, 401);
      assert.equal((await s.client().json('POST', '/api/session', { username: 'eve', password: 'a brand new password' })).status, 401);
    });

    test('security headers on every response; errors are JSON with a request id', async () => {
      const r = await s.client().json('GET', '/api/nothing-here');
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, 'not-found');
      assert.match(r.res.headers.get('content-security-policy')!, /default-src 'self'.*frame-ancestors 'none'/);
      assert.equal(r.res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(r.res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(r.body.error.requestId, r.res.headers.get('x-request-id'));
    });
  });
}
