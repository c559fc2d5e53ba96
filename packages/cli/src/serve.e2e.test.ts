import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
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

  test('serve runs the source intake in the same process on its own port and folder; a taken port or --no-intake leaves it out', async () => {
    const { config, cleanup } = await testConfig('pglite');
    cleanups.push(cleanup);
    const env: NodeJS.ProcessEnv = { ...cliEnv(config), CUSTODIA_INTAKE_PORT: '0' };
    delete env.CUSTODIA_INTAKE_URL;
    assert.equal((await runCli(['init'], env)).code, 0);
    const started = async (args: string[], e: NodeJS.ProcessEnv) => {
      const serve = runCli(['serve', '--port', '0', '--no-worker', ...args], e);
      let out = '';
      serve.child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      while (!/setup code\s+\S+/.test(out) && serve.child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      return { serve, out };
    };

    const one = await started([], env);
    const portal = /source intake: portal and pull API on (http:\/\/127\.0\.0\.1:\d+) \(embedded; data (.+)\)/.exec(one.out);
    assert.ok(portal, one.out);
    assert.equal(portal[2], join(config.home, 'intake'));
    assert.ok(existsSync(join(config.home, 'intake', 'db')) && existsSync(join(config.home, 'intake', 'keys', 'pull-token.sha256')), 'its own database and keys');
    const page = await fetch(portal[1]!);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script[^>]+portal\.js/);
    assert.equal((await fetch(`${portal[1]}/pull/submissions`)).status, 403, 'the pull API needs the token the workspace holds');
    const workspace = /Custodia workspace: (http:\/\/127\.0\.0\.1:\d+)/.exec(one.out)![1]!;
    assert.notEqual(workspace, portal[1]);
    one.serve.child.kill('SIGTERM');
    assert.equal((await one.serve).code, 0);

    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const two = await started([], { ...env, CUSTODIA_INTAKE_PORT: String(port) });
      assert.match(two.out, new RegExp(`source intake NOT started: port ${port} is in use`));
      assert.equal((await fetch(`${/Custodia workspace: (\S+)/.exec(two.out)![1]}/api/setup`)).status, 200, 'the workspace runs without it');
      two.serve.child.kill('SIGTERM');
      assert.equal((await two.serve).code, 0);
    } finally {
      taken.close();
    }

    const three = await started(['--no-intake'], env);
    assert.match(three.out, /source intake: none/);
    three.serve.child.kill('SIGTERM');
    assert.equal((await three.serve).code, 0);
  });
});
