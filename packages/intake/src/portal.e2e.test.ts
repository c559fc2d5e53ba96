import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { seal, open } from './crypto/sealed.js';
import { ManifestSchema } from './crypto/manifest.schema.js';
import { PORTAL_DIST } from './server/intake.app.js';
import { deterministicBytes, sha256Of } from './testing/deterministic-bytes.js';
import { startHarness } from './testing/intake-harness.js';
import { PullClient } from './vault/pull.client.js';
import { decryptAge } from './node/node-age.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function ensurePortalBuilt(): void {
  if (existsSync(join(PORTAL_DIST, 'index.html'))) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'packages/intake/portal/vite.config.mjs')], { stdio: 'inherit' });
  assert.equal(r.status, 0, 'building the portal failed');
}

/** A first visit: takes the codename shown, confirms it was saved, enters the workspace; returns the codename. */
async function firstVisit(page: Page): Promise<string> {
  await page.click('#first-visit');
  const codename = (await page.textContent('#codename-words'))!.trim();
  await page.check('#confirm-saved');
  await page.fill('#confirm-words', codename.split(' ').slice(-2).join(' '));
  await page.click('#codename-continue');
  await page.waitForSelector('#workspace:not([hidden])');
  return codename;
}

describe('source portal in Chromium', () => {
  it('codename shown once and confirmed, folder upload, receipt, come back, read the reply', { timeout: 10 * 60_000 }, async () => {
    ensurePortalBuilt();
    const h = await startHarness('pglite');
    const folder = await mkdtemp(join(tmpdir(), 'custodia-portal-folder-'));
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const root = join(folder, 'export');
      await mkdir(join(root, 'cam2'), { recursive: true });
      const files = {
        'cam1.h264': deterministicBytes(1, 0, 1_300_000),
        'cam2/clip.mp4': deterministicBytes(2, 0, 200_000),
        'notes.txt': new TextEncoder().encode('Recorded on the night of 5 October.\n'),
      };
      for (const [p, b] of Object.entries(files)) await writeFile(join(root, p), b);

      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(h.url);
      await page.click('#first-visit');
      const codename = (await page.textContent('#codename-words'))!.trim();
      assert.equal(codename.split(' ').length, 7);
      assert.ok(await page.isDisabled('#codename-continue'));
      await page.check('#confirm-saved');
      await page.fill('#confirm-words', 'wrong words');
      assert.ok(await page.isDisabled('#codename-continue'), 'cannot continue without confirming the codename');
      await page.fill('#confirm-words', codename.split(' ').slice(-2).join(' '));
      await page.click('#codename-continue');
      await page.waitForSelector('#workspace:not([hidden])');
      assert.equal(await page.textContent('#codename-words'), '', 'the codename is not left on the page');

      await page.setInputFiles('#pick-folder', root);
      await page.locator('#selection', { hasText: /^3 file/ }).waitFor();
      await page.click('#send');
      await page.waitForSelector('#receipt:not([hidden])', { timeout: 5 * 60_000 });
      assert.match((await page.textContent('#receipt-text'))!, /custodia-intake receipt v1/);
      assert.equal(await page.evaluate("localStorage.getItem('custodia-intake-resume')"), null, 'no resume state left behind');

      // Staff: the files decrypt and match what was on the source's disk; a reply goes back.
      const pull = new PullClient(h.url, h.pullToken);
      const [sub] = await pull.submissions();
      const batch = sub!.batches[0]!;
      const manifest = ManifestSchema.parse(JSON.parse(new TextDecoder().decode(await open(await pull.manifest(batch.id), [h.identity]))));
      assert.deepEqual(manifest.files.map((f) => f.path).sort(), ['export/cam1.h264', 'export/cam2/clip.mp4', 'export/notes.txt']);
      for (const f of manifest.files) {
        const parts: Uint8Array[] = [];
        for await (const p of decryptAge(await pull.file(f.uploadId), [h.identity])) parts.push(p);
        const plain = Buffer.concat(parts).subarray(0, f.size);
        const expected = files[f.path.replace(/^export\//, '') as keyof typeof files];
        assert.equal(sha256Of(plain), sha256Of(expected));
        assert.equal(f.sha256, sha256Of(expected), 'the browser computed the plaintext SHA-256');
      }
      await pull.reply(sub!.id, await seal('Thank you. We received three files.', [sub!.sourceRecipient, ...sub!.recipients]));

      // Coming back in a fresh browser context with the codename.
      const again = await browser.newPage();
      await again.goto(h.url);
      await again.fill('#signin-codename', codename);
      await again.click('#signin-form button[type=submit]');
      await again.waitForSelector('#messages li.staff');
      assert.match((await again.textContent('#messages'))!, /We received three files/);
      await again.fill('#message-text', 'Good. More will follow.');
      await again.click('#message-form button[type=submit]');
      await again.locator('#messages li', { hasText: 'More will follow' }).waitFor();
      assert.deepEqual(problems, [], 'no script or CSP error in the page');
    } finally {
      await browser.close();
      await h.close();
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('resumes an upload after the page is reloaded mid-way, continuing the same tus upload', { timeout: 10 * 60_000 }, async () => {
    ensurePortalBuilt();
    const h = await startHarness('pglite');
    const folder = await mkdtemp(join(tmpdir(), 'custodia-portal-resume-'));
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const bytes = deterministicBytes(8, 0, 48 * 2 ** 20);
      await writeFile(join(folder, 'long.h264'), bytes);
      const page = await browser.newPage();
      await page.goto(h.url);
      const codename = await firstVisit(page);
      // The first 8 MiB chunk goes through; the second is held in flight, so the reload below always
      // lands mid-upload however fast the machine is.
      let patches = 0;
      await page.route('**/files/**', async (route) => {
        if (route.request().method() === 'PATCH' && ++patches > 1) return;
        await route.continue();
      });
      await page.setInputFiles('#pick-files', join(folder, 'long.h264'));
      await page.click('#send');
      await page.locator('#files li', { hasText: /long\.h264: [1-9][0-9]? %/ }).waitFor({ timeout: 5 * 60_000 });
      while (patches < 2) await new Promise((r) => setTimeout(r, 50));
      await page.reload();
      await page.unrouteAll({ behavior: 'ignoreErrors' });
      assert.equal(patches, 2, 'the reload came while the second chunk was in flight');
      const stored = (await page.evaluate("localStorage.getItem('custodia-intake-resume')")) as string | null;
      assert.ok(stored, 'resume state kept');
      assert.doesNotMatch(stored!, /long\.h264|files\/up-/, 'resume state is encrypted: no file name, no upload address');

      await page.fill('#signin-codename', codename);
      await page.click('#signin-form button[type=submit]');
      await page.waitForSelector('#resume-note:not([hidden])');
      await page.setInputFiles('#pick-files', join(folder, 'long.h264'));
      await page.click('#send');
      await page.waitForSelector('#receipt:not([hidden])', { timeout: 5 * 60_000 });

      const pull = new PullClient(h.url, h.pullToken);
      const [sub] = await pull.submissions();
      assert.equal(sub!.batches.length, 1);
      assert.equal(sub!.batches[0]!.files.length, 1, 'the same tus upload was continued, not a new one');
      const manifest = ManifestSchema.parse(JSON.parse(new TextDecoder().decode(await open(await pull.manifest(sub!.batches[0]!.id), [h.identity]))));
      const parts: Uint8Array[] = [];
      for await (const p of decryptAge(await pull.file(manifest.files[0]!.uploadId), [h.identity])) parts.push(p);
      assert.equal(sha256Of(Buffer.concat(parts).subarray(0, bytes.length)), sha256Of(bytes));
      assert.equal(manifest.files[0]!.sha256, sha256Of(bytes));
    } finally {
      await browser.close();
      await h.close();
      await rm(folder, { recursive: true, force: true });
    }
  });

  for (const when of ['before the manifest left', 'after the manifest arrived'] as const) {
    it(`page closed with every file sent, ${when}: coming back finishes the batch without choosing the files again`, { timeout: 10 * 60_000 }, async () => {
      ensurePortalBuilt();
      const h = await startHarness('pglite');
      const folder = await mkdtemp(join(tmpdir(), 'custodia-portal-seal-'));
      const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
      try {
        const bytes = deterministicBytes(9, 0, 300_000);
        await writeFile(join(folder, 'clip.h264'), bytes);
        const page = await browser.newPage();
        await page.goto(h.url);
        const codename = await firstVisit(page);
        // The manifest request never answers: held before it leaves the browser, or sent to the
        // server with its answer (the receipt) lost — as when the laptop closes at that moment.
        let held = false;
        await page.route('**/api/batches/*/manifest', async (route) => {
          if (when === 'after the manifest arrived') await route.fetch();
          held = true;
        });
        await page.setInputFiles('#pick-files', join(folder, 'clip.h264'));
        await page.click('#send');
        await page.locator('#status', { hasText: 'Sealing the batch' }).waitFor();
        while (!held) await new Promise((r) => setTimeout(r, 50));
        await page.reload();
        await page.unrouteAll({ behavior: 'ignoreErrors' });

        await page.fill('#signin-codename', codename);
        await page.click('#signin-form button[type=submit]');
        await page.waitForSelector('#receipt:not([hidden])');
        assert.match((await page.textContent('#receipt-text'))!, /custodia-intake receipt v1/);
        assert.equal(await page.isHidden('#resume-note'), true);
        assert.equal(await page.evaluate("localStorage.getItem('custodia-intake-resume')"), null, 'no resume state left behind');

        const pull = new PullClient(h.url, h.pullToken);
        const [sub] = await pull.submissions();
        assert.equal(sub!.batches.length, 1);
        const manifest = ManifestSchema.parse(JSON.parse(new TextDecoder().decode(await open(await pull.manifest(sub!.batches[0]!.id), [h.identity]))));
        assert.deepEqual(manifest.files.map((f) => [f.path, f.sha256]), [['clip.h264', sha256Of(bytes)]]);
      } finally {
        await browser.close();
        await h.close();
        await rm(folder, { recursive: true, force: true });
      }
    });
  }
});
