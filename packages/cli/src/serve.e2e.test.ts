import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { testConfig } from '@custodia/store/testing';
import { CLI, cliEnv, runCli } from './testing/run-cli.js';

/** Runs `custodia <args>` with `input` on stdin. */
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

describe('custodia serve and custodia user (embedded database)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups) await c();
  });

  test('init prints a setup code; serve prints the same one and answers; SIGTERM stops it cleanly; user add ends setup', async () => {
    const { config, cleanup } = await testConfig('pglite');
    cleanups.push(cleanup);
    const env = cliEnv(config);
    const init = await runCli(['init'], env);
    assert.equal(init.code, 0, init.stderr);
    const code = /setup code:\s+(\S+)/.exec(init.stdout)?.[1];
    assert.ok(code, init.stdout);

    const serve = runCli(['serve', '--port', '0', '--no-worker'], env);
    let out = '';
    serve.child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    while (!/setup code\s+\S+/.test(out) && serve.child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    assert.ok(out.includes(code), out);
    const setup = await fetch(`${url}/api/setup`);
    assert.deepEqual(await setup.json(), { needed: true });
    assert.equal(setup.headers.get('x-content-type-options'), 'nosniff');
    serve.child.kill('SIGTERM');
    const done = await serve;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, /"route":"\/api\/setup"/);
    assert.doesNotMatch(done.stderr, /127\.0\.0\.1|user-agent/i);

    const weak = await runWithStdin(['user', 'add', 'ana'], env, 'short\n');
    assert.equal(weak.code, 2);
    assert.match(weak.stderr, /password: at least 10/);
    const add = await runWithStdin(['user', 'add', '--admin', '--totp', '--json', 'ana'], env, 'a long enough password\n');
    assert.equal(add.code, 0, add.stderr);
    const added = JSON.parse(add.stdout) as { username: string; isAdmin: boolean; otpauthUrl: string };
    assert.equal(added.isAdmin, true);
    assert.match(added.otpauthUrl, /^otpauth:\/\/totp\//);
    const again = await runCli(['init'], env);
    assert.doesNotMatch(again.stdout, /setup code/);
  });
});
