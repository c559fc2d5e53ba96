// `custodia redaction` end to end, on both databases, with real ffmpeg: list, render queued, render
// --wait killed (-9) mid-render and run again (the dead process's lease is taken over and the job
// completes on its second attempt), the second-person rules of approve, export-recipe's hashes, a
// render that cannot succeed, and --help.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRedaction, RECIPE_FORMAT, recipeSha256, normaliseRecipe, type Caller } from '@custodia/core';
import { openVault, pgCaller, PgItemLookup, PgRedactionRepo, type Config } from '@custodia/store';
import { DB_KINDS, tempDir, testConfig } from '@custodia/store/testing';
import { cliEnv, runCli } from './testing/run-cli.js';

for (const kind of DB_KINDS) {
  describe(`custodia redaction (${kind})`, () => {
    let cfg: Config;
    let cleanup: () => Promise<void>;
    let work: { path: string; remove: () => Promise<void> };
    let env: NodeJS.ProcessEnv;
    let redactionId: number;
    let badId: number;
    let itemId: number;

    before(async () => {
      ({ config: cfg, cleanup } = await testConfig(kind));
      env = cliEnv(cfg, { CUSTODIA_PIPELINE_STEPS: 'probe' });
      work = await tempDir('custodia-redaction-cli-');
      const dir = join(work.path, 'cam');
      await mkdir(dir, { recursive: true });
      // Long and large enough that a render takes a few seconds (to be killed in the middle of it).
      execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=960x540:rate=25', '-t', '40',
        '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', join(dir, 'corridor.mp4')], { stdio: ['ignore', 'ignore', 'pipe'] });
      assert.equal((await runCli(['init'], env)).code, 0);
      const ing = await runCli(['ingest', dir, '--case', 'Case-R', '--no-progress', '--wait'], env);
      assert.equal(ing.code, 0, ing.stdout + ing.stderr);
      const vault = await openVault(cfg);
      try {
        const kase = (await vault.repo.findCase('Case-R'))!;
        const item = (await vault.repo.itemsOfCase(kase.id)).find((i) => i.sha256)!;
        itemId = item.id;
        const as: Record<string, Caller> = {};
        for (const [name, role] of [['ana', 'analyst'], ['rita', 'reviewer'], ['olga', 'observer']] as const) {
          const id = Number((await vault.db.query<{ id: number }>(`INSERT INTO users (username, display_name, password_hash) VALUES ($1, $1, 'x') RETURNING id`, [name])).rows[0]!.id);
          await vault.db.query('INSERT INTO memberships (case_id, user_id, role, grants) VALUES ($1, $2, $3, $4::text[])', [kase.id, id, role, []]);
          as[name] = pgCaller(vault.db, { id, username: name, isAdmin: false });
        }
        const deps = { redactions: new PgRedactionRepo(vault.db, vault.ledger), items: new PgItemLookup(vault.db) };
        const box = { id: 'face', effect: 'blur', keyframes: [{ t: 0, x: 0.1, y: 0.1, w: 0.3, h: 0.4 }, { t: 40, x: 0.6, y: 0.5, w: 0.3, h: 0.4 }] };
        redactionId = (await createRedaction(deps, as.ana!, item.id, { title: 'Corridor cut', recipe: { format: RECIPE_FORMAT, boxes: [box], audio: { mute: [] } } })).id;
        badId = (await createRedaction(deps, as.ana!, item.id, { title: 'Too late', recipe: { format: RECIPE_FORMAT, boxes: [], clip: { start: 100, end: 110 } } })).id;
      } finally {
        await vault.close();
      }
    });
    after(async () => {
      await work?.remove();
      await cleanup?.();
    });

    it('lists the versions of the case and of the item', async () => {
      const r = await runCli(['redaction', 'list', '--case', 'Case-R', '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const list = JSON.parse(r.stdout).redactions as { id: number; status: string; item: number }[];
      assert.deepEqual(list.map((x) => [x.id, x.status, x.item]), [[redactionId, 'draft', itemId], [badId, 'draft', itemId]]);
      const text = await runCli(['redaction', 'list', '--item', String(itemId)], env);
      assert.match(text.stdout, /Corridor cut/);
      assert.equal((await runCli(['redaction', 'list'], env)).code, 2, 'either --case or --item');
    });

    it('render queues; an observer may not; approval of an unrendered version is refused', async () => {
      assert.equal((await runCli(['redaction', 'render', String(redactionId), '--as', 'olga'], env)).code, 3);
      const q = await runCli(['redaction', 'render', String(redactionId), '--as', 'ana', '--json'], env);
      assert.equal(q.code, 0, q.stderr);
      const j = JSON.parse(q.stdout);
      assert.equal(j.status, 'queued');
      assert.deepEqual([j.renderJob.state, j.renderJob.attempts], ['queued', 0]);
      const early = await runCli(['redaction', 'approve', String(redactionId), '--as', 'rita'], env);
      assert.equal(early.code, 2);
      assert.match(early.stderr, /only a rendered redaction can be approved/);
    });

    it('render --wait killed mid-render: the next --wait takes the dead lease over and finishes the job', async () => {
      const first = runCli(['redaction', 'render', String(redactionId), '--as', 'ana', '--wait'], env);
      const child = first.child;
      await new Promise<void>((resolve, reject) => {
        let seen = '';
        child.stderr!.on('data', (d: Buffer) => {
          seen += d.toString();
          if (/rendering \(job \d+ running/.test(seen)) resolve();
        });
        child.on('close', () => reject(new Error(`render --wait ended before it was seen rendering: ${seen}`)));
      });
      child.kill('SIGKILL');
      const killed = await first;
      assert.equal(killed.signal, 'SIGKILL');
      const mid = JSON.parse((await runCli(['redaction', 'show', String(redactionId), '--json'], env)).stdout);
      assert.equal(mid.status, 'rendering', 'left rendering by the dead process');
      assert.equal(mid.outputSha256, null);

      const second = await runCli(['redaction', 'render', String(redactionId), '--as', 'ana', '--wait', '--json'], env);
      assert.equal(second.code, 0, second.stderr);
      const done = JSON.parse(second.stdout);
      assert.equal(done.status, 'rendered', done.failure);
      assert.match(done.outputSha256, /^[0-9a-f]{64}$/);
      assert.equal(done.renderJob.attempts, 2, 'the killed attempt counted');
      assert.match(done.renderJob.lastError, /lost its lease on attempt 1/);
      assert.equal(done.renderedBy, 'ana');
    });

    it('approve follows the second-person rules; export-recipe prints the recipe and its checked hashes', async () => {
      const own = await runCli(['redaction', 'approve', String(redactionId), '--as', 'ana'], env);
      assert.equal(own.code, 3);
      assert.match(own.stderr, /only a reviewer/);
      const ok = await runCli(['redaction', 'approve', String(redactionId), '--as', 'rita', '--note', 'faces hidden throughout', '--recipe-version', '1'], env);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /approved by rita \("faces hidden throughout"\)/);
      assert.equal((await runCli(['redaction', 'render', String(redactionId), '--as', 'ana'], env)).code, 2, 'an approved version is final');

      const e = await runCli(['redaction', 'export-recipe', String(redactionId)], env);
      assert.equal(e.code, 0, e.stderr);
      const doc = JSON.parse(e.stdout);
      const shown = JSON.parse((await runCli(['redaction', 'show', String(redactionId), '--json'], env)).stdout);
      assert.equal(doc.recipeSha256, shown.recipeSha256);
      assert.equal(doc.recipeSha256, recipeSha256(normaliseRecipe(doc.recipe)));
      assert.equal(doc.sourceSha256, shown.sourceSha256);
      assert.equal(doc.outputSha256, shown.outputSha256);
      assert.equal((await runCli(['redaction', 'export-recipe', String(redactionId), '--recipe-version', '9'], env)).code, 2);
    });

    it('a render that cannot succeed: failed with the reason, exit 1, no output', async () => {
      const r = await runCli(['redaction', 'render', String(badId), '--as', 'ana', '--wait'], env);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /: failed/);
      assert.match(r.stdout, /failure: .*clip starts at 100 s, after the end of the video/);
      const shown = JSON.parse((await runCli(['redaction', 'show', String(badId), '--json'], env)).stdout);
      assert.equal(shown.outputSha256, null);
      assert.equal(shown.renderJob.state, 'failed');
    });

    it('--help says what the commands do', async () => {
      const h = await runCli(['redaction', '--help'], env);
      for (const c of ['list', 'show', 'export-recipe', 'render', 'approve', 'reject']) assert.match(h.stdout, new RegExp(`\\b${c}\\b`));
      const r = await runCli(['redaction', 'render', '--help'], env);
      assert.match(r.stdout, /--wait/);
      assert.match(r.stdout, /lease/);
    });
  });
}
