// The redaction studio in Debian's Chromium: an analyst opens an item, accepts the face suggestion,
// draws a second box by dragging over the video, mutes a range and renders; the rendered output
// plays in the page; a reviewer (a second person) approves it. The clip is drawn by ffmpeg (lavfi:
// a moving patterned square, not a face); the "face" boxes are stored detections over the square.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { locateMediaTools, probe, renderProxy } from '@custodia/media';
import { makeRedactionClip, REDACTION_CLIP as C, squareAt } from '@custodia/media/testing';
import { startTestServer, TEST_PASSWORD, type TestServer } from '@custodia/server/testing';
import { redactionWorker } from '@custodia/server/testing/redaction-worker';
import { seedCase } from '@custodia/server/testing/seed';
import type { Worker } from '@custodia/store';
import { DB_KINDS } from '@custodia/store/testing';
import { launchChromium, personContext, screenshot } from './testing/browser.js';
import { WEB_DIST } from './testing/instance.js';

const kinds = process.env.CUSTODIA_E2E_DB ? DB_KINDS.filter((k) => k === process.env.CUSTODIA_E2E_DB) : DB_KINDS;

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByTestId('whoami').waitFor();
}

for (const kind of kinds) {
  describe(`redaction studio in Chromium on ${kind}`, () => {
    let s: TestServer;
    let browser: Browser;
    let dir: string;
    let caseId: number;
    let itemId: number;
    let worker: Worker | undefined;

    before(async () => {
      const tools = await locateMediaTools();
      dir = await mkdtemp(join(tmpdir(), 'custodia-e2e-redaction-'));
      const clip = await makeRedactionClip(tools, dir);
      const facts = await probe(tools, clip);
      await renderProxy(tools, clip, join(dir, 'proxy.mp4'), { probe: facts });
      s = await startTestServer(kind, { webDist: WEB_DIST });
      const seeded = await seedCase(s.vault, 'Colony 7', [{ path: '/seed/cam1/ch01.mp4', bytes: await readFile(clip), proxy: await readFile(join(dir, 'proxy.mp4')), durationSec: C.durationSec }]);
      caseId = seeded.caseId;
      const item = seeded.items[0]!;
      itemId = item.id;
      const boxes = [0, 1, 2, 3].map((t) => { const p = squareAt(t); return { tSec: t, x: p.x / C.width, y: p.y / C.height, w: C.square / C.width, h: C.square / C.height, score: 0.9 }; });
      await s.vault.db.transaction(async (tx) => {
        await s.vault.media.recordProbe(tx, { sha256: item.sha256, tool: tools.version, status: 'ok', failureKind: null, failureMessage: null, facts: facts as unknown as Record<string, unknown> }, 'test-worker');
        await s.vault.faces.recordFaces(tx, { sha256: item.sha256, tool: tools.version, model: 'test boxes', sampleFps: 1, frames: 4, framesWithFaces: 4, maxFaces: 1, boxes }, 'test-worker');
      });
      for (const [username, role] of [['ana', 'analyst'], ['rita', 'reviewer']] as const) {
        const u = await s.addUser({ username });
        await s.vault.db.query('INSERT INTO memberships (case_id, user_id, role, grants) VALUES ($1, $2, $3, $4)', [caseId, u.user.id, role, []]);
      }
      browser = await launchChromium();
    });
    after(async () => {
      await worker?.stop();
      await browser?.close();
      await s?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('draws, keyframes, renders and has a second person approve', async () => {
      const { page: a, context: ac } = await personContext(browser, s.url);
      await signIn(a, 'ana');
      await a.goto(`/#/cases/${caseId}/items/${itemId}`);
      await a.getByTestId('redact-link').click();
      await a.getByTestId('redaction-studio').waitFor();
      await a.getByTestId('accept-faces').click();
      await a.getByTestId('redaction-box-face-1').waitFor();

      // Draw a box by dragging over the upper left of the picture.
      const frame = await a.getByTestId('redaction-frame').boundingBox();
      assert.ok(frame);
      await a.mouse.move(frame.x + frame.width * 0.05, frame.y + frame.height * 0.05);
      await a.mouse.down();
      await a.mouse.move(frame.x + frame.width * 0.2, frame.y + frame.height * 0.15, { steps: 4 });
      await a.mouse.move(frame.x + frame.width * 0.3, frame.y + frame.height * 0.25, { steps: 4 });
      await a.mouse.up();
      await a.getByTestId('box-editor').waitFor();
      await a.getByTestId('box-effect').selectOption('fill');
      const drawn = a.getByTestId('redaction-box-box-1');
      const bb = await drawn.boundingBox();
      assert.ok(bb && Math.abs(bb.width - frame.width * 0.25) < 4 && Math.abs(bb.height - frame.height * 0.2) < 4, 'the box is where it was drawn');
      // Move it at a later time: a keyframe there, the box interpolates between.
      await a.evaluate(() => ((document.querySelector('[data-testid=studio-player]') as HTMLVideoElement).currentTime = 2));
      await a.waitForFunction(() => document.querySelector('[data-testid=timecode]')?.textContent?.includes('0:02.'));
      await drawn.hover();
      await a.mouse.down();
      await a.mouse.move(bb.x + bb.width / 2 + frame.width * 0.2, bb.y + bb.height / 2, { steps: 5 });
      await a.mouse.up();
      assert.match(await a.locator('.box-editor').innerText(), /3 keyframes/);

      await a.getByTestId('add-mute').click();
      await a.getByTestId('redaction-title').fill('For publication');
      await a.getByTestId('redaction-render').click();
      // The request only queues the render: the studio says so and follows the job until a worker is done.
      await a.getByText('queued for rendering').first().waitFor();
      await a.getByTestId('render-progress').waitFor();
      worker = await redactionWorker(s.vault);
      worker.start();
      await a.getByTestId('redaction-output').waitFor({ timeout: 120_000 }).catch(async (e) => { throw new Error(`${(e as Error).message}\n${await a.locator('.meta-col').innerText()}`); });
      await a.getByText('rendered, awaiting review').first().waitFor();
      assert.equal(await a.getByTestId('redaction-review').count(), 0, 'the one who made it is not offered the approval');
      if (kind === kinds[0]) await screenshot(a, process.env.CUSTODIA_SCREENSHOTS ?? join(dir, 'shots'), 'redaction-studio');
      const url = a.url();
      const r = (await (await ac.request.get(`${s.url}/api/items/${itemId}/redactions`)).json()) as { redactions: { id: number; status: string; recipe: { boxes: { id: string; keyframes: unknown[] }[]; audio: { mute: unknown[] } } }[] };
      const red = r.redactions[0]!;
      assert.equal(red.status, 'rendered');
      assert.deepEqual(red.recipe.boxes.map((b) => [b.id, b.keyframes.length]), [['face-1', red.recipe.boxes[0]!.keyframes.length], ['box-1', 3]]);
      assert.equal(red.recipe.audio.mute.length, 1);

      const { page: b } = await personContext(browser, s.url);
      await signIn(b, 'rita');
      await b.goto(url);
      await b.getByTestId('redaction-approve').click();
      await b.getByText('approved', { exact: true }).first().waitFor();
      const after = (await (await b.request.get(`${s.url}/api/redactions/${red.id}`)).json()) as { redaction: { status: string; reviewedBy: string } };
      assert.deepEqual([after.redaction.status, after.redaction.reviewedBy], ['approved', 'rita']);
    });
  });
}
