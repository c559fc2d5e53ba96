import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Config } from '@custodia/store';
import { DB_KINDS, tempDir, testConfig } from '@custodia/store/testing';
import { cliEnv, runCli } from './testing/run-cli.js';

/** Six distinct 640×480 recordings, long enough that a proxy takes a moment to render. */
function makeRecordings(dir: string, seconds = 12): void {
  for (let i = 0; i < 6; i++) {
    execFileSync(
      'ffmpeg',
      [
        '-hide_banner', '-loglevel', 'error', '-y',
        '-f', 'lavfi', '-i', `testsrc=size=640x480:rate=25`, '-t', String(seconds),
        '-vf', `hue=h=${i * 50}`,
        '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
        join(dir, `ch0${i}.mp4`),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  }
}

const jobTemps = (home: string) => (existsSync(join(home, 'tmp')) ? readdirSync(join(home, 'tmp')).filter((n) => n.startsWith('job-')) : []);


/** These tests are about workers, not triage: the steps they run (CUSTODIA_PIPELINE_STEPS). */
const STEPS_HERE = 'proxy,thumbnails,activity';

async function ledgerActions(env: NodeJS.ProcessEnv): Promise<string[]> {
  const r = await runCli(['ledger', 'show', '--limit', '100000', '--json'], env);
  return (JSON.parse(r.stdout) as { action: string; subjects: string[] }[]).map((e) => `${e.action}:${e.subjects.join(',')}`);
}

for (const kind of DB_KINDS) {
  describe(`custodia worker on ${kind}`, () => {
    let cfg: Config;
    let cleanup: () => Promise<void>;
    let env: NodeJS.ProcessEnv;
    let media: { path: string; remove: () => Promise<void> };

    before(async () => {
      ({ config: cfg, cleanup } = await testConfig(kind));
      env = cliEnv(cfg, { CUSTODIA_PIPELINE_STEPS: STEPS_HERE });
      media = await tempDir('custodia-rec-');
      makeRecordings(media.path);
      assert.equal((await runCli(['init'], env)).code, 0);
      const ing = await runCli(['ingest', media.path, '--case', 'Rec', '--json'], env);
      assert.equal(ing.code, 0, ing.stderr);
      assert.deepEqual(JSON.parse(ing.stdout).pipeline.stats, [{ name: 'probe', state: 'queued', count: 6 }]);
    });
    after(async () => {
      await cleanup();
      await media.remove();
    });

    it('kill -9 of a worker mid-job loses nothing and duplicates nothing', async () => {
      const run = runCli(['worker', '--concurrency', '2'], env);
      const deadline = Date.now() + 90_000;
      // A job folder appears while a probe or a render is under way: that is the moment to kill.
      while (!jobTemps(cfg.home).some((n) => n.startsWith(`job-${run.child.pid}-`)) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      run.child.kill('SIGKILL');
      const killed = await run;
      assert.equal(killed.signal, 'SIGKILL');

      const again = await runCli(['worker', '--until-idle', '--json'], env);
      assert.equal(again.code, 0, again.stdout + again.stderr);
      const { stats, failures } = JSON.parse(again.stdout);
      assert.deepEqual(failures, []);
      const by = (name: string, state: string) => stats.find((s: { name: string; state: string }) => s.name === name && s.state === state)?.count ?? 0;
      assert.equal(by('probe', 'done'), 6);
      assert.equal(by('proxy', 'done'), 6);
      assert.equal(by('thumbnails', 'done'), 6);
      assert.deepEqual(jobTemps(cfg.home), [], 'the dead worker left no render folder behind');

      const report = JSON.parse((await runCli(['report', '--case', 'Rec', '--json'], env)).stdout);
      for (const it of report.items) assert.deepEqual(it.media.derivatives.map((d: { kind: string }) => d.kind).sort(), ['filmstrip', 'poster', 'proxy']);
      // Each derivative ledgered exactly once, however many times its job ran.
      const made = (await ledgerActions(env)).filter((a) => a.startsWith('derivative-made:'));
      assert.equal(made.length, 18);
      assert.equal(new Set(made).size, 18);
      const lv = await runCli(['ledger', 'verify'], env);
      assert.equal(lv.code, 0, lv.stdout);
    });
  });
}

describe('two custodia workers on one PostgreSQL server', () => {
  let cfg: Config;
  let cleanup: () => Promise<void>;
  let env: NodeJS.ProcessEnv;
  let media: { path: string; remove: () => Promise<void> };

  before(async () => {
    ({ config: cfg, cleanup } = await testConfig('postgres'));
    env = cliEnv(cfg, { CUSTODIA_PIPELINE_STEPS: STEPS_HERE });
    media = await tempDir('custodia-rec2-');
    makeRecordings(media.path, 6);
    assert.equal((await runCli(['init'], env)).code, 0);
    assert.equal((await runCli(['ingest', media.path, '--case', 'Two'], env)).code, 0);
  });
  after(async () => {
    await cleanup();
    await media.remove();
  });

  it('never run the same job twice', async () => {
    const [a, b] = await Promise.all([
      runCli(['worker', '--until-idle', '--concurrency', '2', '--json'], env),
      runCli(['worker', '--until-idle', '--concurrency', '2', '--json'], env),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const c = new pg.Client({ connectionString: cfg.databaseUrl });
    await c.connect();
    try {
      const jobs = await c.query<{ name: string; state: string; attempts: number }>('SELECT name, state, attempts FROM jobs');
      assert.equal(jobs.rows.length, 24); // probe, proxy, thumbnails, activity for each of 6: no job of a step not chosen
      for (const j of jobs.rows) {
        assert.equal(j.state, 'done');
        assert.equal(j.attempts, 1, `${j.name} ran ${j.attempts} times`);
      }
      // Both workers took part: the ledger names the worker that made each result.
      const actors = await c.query<{ actor: string }>("SELECT DISTINCT (entry::jsonb)->>'actor' AS actor FROM ledger_entries WHERE action IN ('probed', 'derivative-made')");
      assert.equal(actors.rows.length, 2, JSON.stringify(actors.rows));
      const d = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM derivatives');
      assert.equal(d.rows[0]!.n, 18);
    } finally {
      await c.end();
    }
  });
});
