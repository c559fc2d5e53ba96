// The source intake from both sides, in Debian's Chromium against one `custodia serve` that runs
// the workspace and the embedded intake (its own port, folder and database): a source sends a
// folder and a message through the portal; the staff member signs in to the workspace, opens their
// key file with its passphrase in the browser, reads the message, imports the submission into a
// case (items carry the manifest's paths, hashes match the source's files) and replies; the source
// comes back with the codename and reads the reply. Screenshots of the staff screens on the way.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { tempDir, testConfig } from '@custodia/store/testing';
import { launchChromium, personContext, screenshot } from './testing/browser.js';
import { CLI_BIN, freePort, runCustodia, WEB_DIST } from './testing/instance.js';
import { Authenticator } from './testing/totp.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PORTAL_DIST = join(ROOT, 'packages/intake/portal-dist');
const KEY_PASSPHRASE = 'amira intake key passphrase';
const ADMIN_PASSWORD = 'correct horse battery staple';
const CASE = 'Colony 7 (intake)';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** Bytes that differ per seed and offset, so a shifted or mixed-up file cannot match. */
function bytesOf(seed: number, n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

describe('source intake: portal and staff inbox in one process, in Chromium', () => {
  let browser: Browser;
  let server: ChildProcess | null = null;
  let out = '';
  let cleanup: () => Promise<void> = async () => undefined;

  before(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`the web app is not built (${WEB_DIST}): run npm run build -w packages/web`);
    if (!existsSync(join(PORTAL_DIST, 'index.html'))) {
      const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'packages/intake/portal/vite.config.mjs')], { stdio: 'inherit' });
      assert.equal(r.status, 0, 'building the portal failed');
    }
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    await cleanup();
  });

  it('a source sends, staff read, import and reply in the workspace, the source reads the reply', { timeout: 10 * 60_000 }, async () => {
    const { config, cleanup: dropDb } = await testConfig('pglite');
    const folder = await tempDir('custodia-intake-story-');
    cleanup = async () => {
      await folder.remove();
      await dropDb();
    };
    const shots = process.env.CUSTODIA_SCREENSHOTS ?? join(config.home, 'screenshots');
    const [port, intakePort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = { ...process.env, CUSTODIA_HOME: config.home, CUSTODIA_INTAKE_PORT: String(intakePort), CUSTODIA_IDENTITY_PASSPHRASE: KEY_PASSPHRASE };
    delete env.DATABASE_URL;
    delete env.CUSTODIA_INTAKE_URL;
    delete env.CUSTODIA_INTAKE_TOKEN;

    // The staff member's key, made as before with the CLI; its recipient joins the channel.
    const cli = async (args: string[]) => {
      const r = await runCustodia(args, env);
      assert.equal(r.code, 0, `custodia ${args.join(' ')}: ${r.stdout}\n${r.stderr}`);
      return r.stdout;
    };
    await cli(['init']);
    await cli(['intake', 'channel', 'create', 'videos', '--title', 'Videos from places of detention']);
    const keyFile = join(folder.path, 'amira.key');
    const recipient = (await cli(['intake', 'keygen', '--out', keyFile])).trim();
    await cli(['intake', 'channel', 'add-recipient', 'videos', recipient, '--label', 'Amira']);
    assert.ok(existsSync(join(config.home, 'intake', 'db')), 'the intake has its own database folder inside its own data folder');

    server = spawn(process.execPath, [CLI_BIN, 'serve', '--host', '127.0.0.1', '--port', String(port), '--no-worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const url = `http://127.0.0.1:${port}`;
    const portal = `http://127.0.0.1:${intakePort}`;
    for (let i = 0; !/setup code\s+\S+/.test(out); i++) {
      if (server.exitCode !== null || i > 600) throw new Error(`custodia serve did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(out, new RegExp(`source intake: portal and pull API on ${portal.replace(/[.]/g, '\\.')} \\(embedded`));
    const setupCode = out.match(/\b([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})\b/)![1]!;

    // The source: a folder and a message through the portal.
    const files: Record<string, Buffer> = {
      'DVR-export/cam3/2020-02-11_0412.h264': bytesOf(3, 900_000),
      'DVR-export/cam5/clip.mp4': bytesOf(5, 150_000),
      'DVR-export/notes.txt': Buffer.from('Cameras 3 and 5, the night of 11 February.\n'),
    };
    for (const [p, b] of Object.entries(files)) {
      await mkdir(join(folder.path, 'src', p, '..'), { recursive: true });
      await writeFile(join(folder.path, 'src', p), b);
    }
    const source = await personContext(browser, portal);
    const s = source.page;
    const pageErrors: string[] = [];
    s.on('pageerror', (e) => pageErrors.push(e.message));
    await s.goto('/');
    await s.click('#first-visit');
    const codename = (await s.textContent('#codename-words'))!.trim();
    await s.check('#confirm-saved');
    await s.fill('#confirm-words', codename.split(' ').slice(-2).join(' '));
    await s.click('#codename-continue');
    await s.waitForSelector('#workspace:not([hidden])');
    await s.setInputFiles('#pick-folder', join(folder.path, 'src', 'DVR-export'));
    await s.locator('#selection', { hasText: /^3 file/ }).waitFor();
    await s.click('#send');
    await s.waitForSelector('#receipt:not([hidden])', { timeout: 5 * 60_000 });
    await s.fill('#message-text', 'The files are from the duty room DVR. Camera 3 shows the corridor.');
    await s.click('#message-form button[type=submit]');
    await s.locator('#messages li', { hasText: 'duty room DVR' }).waitFor();
    await source.context.close();

    // Staff: setup with TOTP, a case to import into.
    const staff = await personContext(browser, url);
    const a = staff.page;
    // Everything the staff member's browser sends to the workspace server, to show the identity never goes.
    const sent: { url: string; body: string }[] = [];
    a.on('request', (r) => sent.push({ url: r.url(), body: r.postData() ?? '' }));
    await a.goto('/');
    await a.getByLabel('Setup code').fill(setupCode);
    await a.getByLabel('Username').fill('amira');
    await a.getByLabel('Your name').fill('Amira Admin');
    await a.getByLabel('Password').fill(ADMIN_PASSWORD);
    await a.getByRole('button', { name: 'Create administrator' }).click();
    await a.getByRole('button', { name: 'Set up authenticator' }).click();
    const totp = new Authenticator((await a.getByTestId('totp-secret').textContent())!.trim());
    await a.getByLabel('Code from your authenticator app').fill(await totp.next());
    await a.getByRole('button', { name: 'Confirm code' }).click();
    await a.getByTestId('whoami').waitFor();
    await a.getByLabel('Case name').fill(CASE);
    await a.getByRole('button', { name: 'New case' }).click();
    await a.getByRole('link', { name: 'Dashboard' }).waitFor();
    const caseId = Number(/#\/cases\/(\d+)/.exec(a.url())![1]);

    // The Intake section: the key file from keygen, opened in the browser with its passphrase.
    await a.getByRole('link', { name: 'Intake', exact: true }).click();
    await a.getByTestId('intake-channels').getByText('Amira').waitFor();
    await a.getByLabel('Use my key file').check();
    await a.getByLabel('Key file (passphrase-protected)').fill(await readFile(keyFile, 'utf8'));
    await a.getByLabel('Key passphrase').fill('not the passphrase at all');
    await a.getByRole('button', { name: 'Use this key' }).click();
    await a.getByText('Wrong passphrase, or not a key file.').waitFor({ timeout: 60_000 });
    await a.getByLabel('Key passphrase').fill(KEY_PASSPHRASE);
    await a.getByRole('button', { name: 'Use this key' }).click();
    await a.getByTestId('intake-unlocked').waitFor({ timeout: 60_000 });
    assert.equal((await a.getByTestId('intake-recipient').textContent())!.trim(), recipient);
    await a.getByTestId('intake-channels').getByText('Amira (you)').waitFor();
    const stored = await a.evaluate(async () => (await (await fetch('/api/intake')).json()) as { identity: { recipient: string; protectedIdentity: string } });
    assert.equal(stored.identity.recipient, recipient);
    assert.doesNotMatch(stored.identity.protectedIdentity, /AGE-SECRET-KEY/, 'the server keeps the identity only passphrase-protected');

    // The submission: three files; its conversation decrypted in the browser.
    const row = a.getByTestId('intake-submissions').getByRole('row').nth(1);
    assert.match((await row.textContent())!, /sub-[0-9a-f]{20}videos.*3.*Waiting/);
    await row.getByRole('button').click();
    const panel = a.getByTestId('intake-submission');
    await panel.getByTestId('intake-messages').getByText('The files are from the duty room DVR.').waitFor({ timeout: 60_000 });
    await screenshot(a, shots, 'intake-inbox');

    // Import into the case: the browser unwraps each file's key; the server decrypts as it ingests
    // with those file keys, for this job only (ADR 0028).
    await panel.getByLabel('Case').selectOption({ label: CASE });
    await panel.getByRole('button', { name: 'Import', exact: true }).click();
    await panel.getByTestId('intake-job-done').waitFor({ timeout: 5 * 60_000 });
    assert.match((await panel.getByTestId('intake-job-done').textContent())!, /Imported 3 file\(s\)/);
    assert.doesNotMatch((await panel.getByTestId('intake-job-done').textContent())!, /:/, 'no problem listed');
    await a.getByTestId('intake-submissions').getByText('Imported').waitFor();
    const importRequests = sent.filter((r) => r.url.endsWith('/api/intake/imports'));
    assert.equal(importRequests.length, 1);
    const importBody = JSON.parse(importRequests[0]!.body) as Record<string, unknown> & { fileKeys: { header: string; key: string }[] };
    assert.deepEqual(Object.keys(importBody).sort(), ['caseId', 'fileKeys', 'submissionId'], 'no identity in the import request');
    assert.equal(importBody.fileKeys.length, 4, 'one key per file and one for the manifest');
    assert.ok(importBody.fileKeys.every((k) => Buffer.from(k.key, 'base64').length === 16));

    // Reply, encrypted in the browser to the source and the channel's recipients.
    await panel.getByLabel('Reply to the source').fill('Received, thank you. Please keep the DVR as it is.');
    await panel.getByRole('button', { name: 'Send reply' }).click();
    await panel.getByTestId('intake-messages').getByText('Please keep the DVR as it is.').waitFor();
    await screenshot(a, shots, 'intake-imported');
    await panel.screenshot({ path: join(shots, 'intake-conversation.png') });

    // The case holds the items under the source's own paths, with the source's hashes.
    const items = await a.evaluate(async (id) => (await (await fetch(`/api/cases/${id}/items?limit=500`)).json()) as { items: { path: string; sha256: string | null; status: string }[] }, caseId);
    for (const [p, b] of Object.entries(files)) {
      const item = items.items.find((it) => it.path.endsWith(p));
      assert.ok(item, `an item for ${p} in ${JSON.stringify(items.items.map((i) => i.path))}`);
      assert.equal(item!.sha256, sha256(b), `${p}: the vault holds the source's bytes`);
    }
    // The case's ledger: the acquisition recorded by the staff member who imported it.
    const ledger = await a.evaluate(async (id) => (await (await fetch(`/api/cases/${id}/ledger?limit=200`)).json()) as { entries: { actor: string; action: string }[] }, caseId);
    assert.ok(ledger.entries.some((e) => e.actor === 'user:amira' && /acquisition/.test(e.action)), JSON.stringify(ledger.entries.map((e) => [e.actor, e.action])));
    await a.goto(`/#/cases/${caseId}/items`);
    await a.getByText('2020-02-11_0412.h264').first().waitFor();
    await screenshot(a, shots, 'intake-items');

    // The key given to the import was not kept: no age identity in the clear anywhere in the
    // instance's folder (vault and intake databases, blobs, keys) nor in what the server printed.
    const clear = Buffer.from('AGE-SECRET-KEY-1');
    const scan = async (dir: string): Promise<string[]> => {
      const found: string[] = [];
      for (const e of await readdir(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) found.push(...(await scan(p)));
        else if (e.isFile() && (await readFile(p)).includes(clear)) found.push(p);
      }
      return found;
    };
    assert.deepEqual(await scan(config.home), [], 'no identity in the clear on disk');
    assert.doesNotMatch(out, /AGE-SECRET-KEY-1/i, 'nor in the server output');
    assert.ok(sent.length > 10);
    assert.deepEqual(sent.filter((r) => /AGE-SECRET-KEY-1/i.test(r.body)).map((r) => r.url), [], 'the identity never left the browser');

    // The source comes back with the codename and reads the reply.
    const back = await personContext(browser, portal);
    await back.page.goto('/');
    await back.page.fill('#signin-codename', codename);
    await back.page.click('#signin-form button[type=submit]');
    await back.page.locator('#messages li.staff', { hasText: 'Please keep the DVR as it is.' }).waitFor();
    await back.context.close();
    assert.deepEqual(pageErrors, [], 'no script error in the portal');
    await staff.context.close();
  });
});
