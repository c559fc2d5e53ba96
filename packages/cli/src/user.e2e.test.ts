import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openVault } from '@custodia/store';
import { testConfig } from '@custodia/store/testing';
import { PgAccountsRepo } from '@custodia/server';
import { CLI, cliEnv, runCli } from './testing/run-cli.js';

function runWithStdin(args: string[], env: NodeJS.ProcessEnv, input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('custodia user reset-totp and reset-password (embedded database)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups) await c();
  });

  test("clears a user's TOTP, ends their sessions, ledgers it; refuses an unknown user", async () => {
    const { config, cleanup } = await testConfig('pglite');
    cleanups.push(cleanup);
    const env = cliEnv(config);
    assert.equal((await runCli(['init'], env)).code, 0);
    const add = await runWithStdin(['user', 'add', '--admin', '--totp', '--json', 'ana'], env, 'a long enough password\n');
    assert.equal(add.code, 0, add.stderr);
    const ana = JSON.parse(add.stdout) as { id: number };

    // Two live sessions of hers (as the server would open them).
    let vault = await openVault(config);
    try {
      const accounts = new PgAccountsRepo(vault.db);
      for (let k = 0; k < 2; k++) {
        await accounts.createSession(vault.db, { userId: ana.id, tokenSha256: randomBytes(32), csrfToken: `c${k}`, restricted: false, expiresAt: new Date(Date.now() + 3600_000) });
      }
    } finally {
      await vault.close();
    }
    assert.match((await runCli(['user', 'list'], env)).stdout, /ana\tadmin\ttotp/);

    const help = await runCli(['user', 'reset-totp', '--help'], env);
    assert.match(help.stdout, /--user <username>/);
    const unknown = await runCli(['user', 'reset-totp', '--user', 'nobody'], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--user: there is no user "nobody"/);

    const reset = await runCli(['user', 'reset-totp', '--user', 'ana', '--json'], env);
    assert.equal(reset.code, 0, reset.stderr);
    assert.deepEqual(JSON.parse(reset.stdout), { user: { id: ana.id, username: 'ana' }, hadTotp: true, sessionsEnded: 2 });
    assert.match((await runCli(['user', 'list'], env)).stdout, /ana\tadmin\tno-totp/);

    vault = await openVault(config);
    try {
      const live = await vault.db.query('SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL', [ana.id]);
      assert.equal(live.rows.length, 0);
    } finally {
      await vault.close();
    }
    const ledger = await runCli(['ledger', 'show', '--json', '--limit', '1000'], env);
    const entries = JSON.parse(ledger.stdout) as { action: string; actor: string; details: Record<string, unknown> }[];
    const e = entries.find((x) => x.action === 'user-totp-reset');
    assert.ok(e, 'a user-totp-reset entry');
    assert.equal(e.actor, 'cli-test');
    assert.deepEqual(e.details, { user: ana.id, username: 'ana', hadTotp: true, sessionsEnded: 2 });
    // The unknown user left no entry.
    assert.equal(entries.filter((x) => x.action === 'user-totp-reset').length, 1);

    // A password reset code: printed once, only its hash kept, never in the ledger.
    assert.equal((await runCli(['user', 'reset-password', '--user', 'nobody'], env)).code, 2);
    const issued = await runCli(['user', 'reset-password', '--user', 'ana'], env);
    assert.equal(issued.code, 0, issued.stderr);
    const code = /^\s+([2-9A-Z]{4}(?:-[2-9A-Z]{4}){3})$/m.exec(issued.stdout)?.[1];
    assert.ok(code, issued.stdout);
    const after = JSON.parse((await runCli(['ledger', 'show', '--json', '--limit', '1000'], env)).stdout) as { action: string; details: Record<string, unknown> }[];
    assert.equal(after.filter((x) => x.action === 'password-reset-issued').length, 1);
    assert.ok(!JSON.stringify(after).includes(code));

    // Again: nothing to clear, no session left; still ledgered (an administrator acted).
    const again = await runCli(['user', 'reset-totp', '--user', 'ana'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /No TOTP second factor was set up for ana; 0 session\(s\) ended/);
  });
});
