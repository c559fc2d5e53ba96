import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Config } from '@custodia/store';
import { DB_KINDS, tempDir, testConfig } from '@custodia/store/testing';
import { cliEnv, runCli } from './testing/run-cli.js';
import { makeEvidenceFolder, type EvidenceFixture } from './testing/evidence-fixture.js';

function blobFiles(home: string): string[] {
  const root = join(home, 'blobs');
  const out: string[] = [];
  for (const a of readdirSync(root).filter((n) => /^[0-9a-f]{2}$/.test(n))) {
    for (const b of readdirSync(join(root, a))) for (const f of readdirSync(join(root, a, b))) out.push(f);
  }
  return out;
}

for (const kind of DB_KINDS) {
  describe(`custodia command line on ${kind}`, () => {
    let cfg: Config;
    let cleanup: () => Promise<void>;
    let env: NodeJS.ProcessEnv;
    let fixture: EvidenceFixture;
    let removeEvidence: () => Promise<void>;

    before(async () => {
      ({ config: cfg, cleanup } = await testConfig(kind));
      env = cliEnv(cfg);
      const ev = await tempDir('custodia-cli-evidence-');
      removeEvidence = ev.remove;
      fixture = await makeEvidenceFolder(ev.path);
    });
    after(async () => {
      await cleanup();
      await removeEvidence();
    });

    it('before init, commands say so and exit 2', async () => {
      const r = await runCli(['report', '--case', 'x'], env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /run "custodia init" first/);
    });

    it('init → ingest (exit 1: problems listed) → report → verify → ledger verify', async () => {
      const init = await runCli(['init', '--json'], env);
      assert.equal(init.code, 0, init.stderr);
      assert.match(JSON.parse(init.stdout).verifierKey, /\+[0-9a-f]{8}\+/);

      const ing = await runCli(['ingest', fixture.root, '--case', 'Case A', '--source', 'USB', '--json'], env);
      assert.equal(ing.code, 1, ing.stderr);
      const summary = JSON.parse(ing.stdout);
      assert.equal(summary.status, 'complete-with-problems');
      assert.deepEqual(
        summary.problems.map((p: { status: string }) => p.status).sort(),
        ['corrupt', 'empty', 'encrypted', 'special-file', 'symlink-dangling', 'symlink-loop', 'truncated', 'unsafe-name'],
      );

      const rep = await runCli(['report', '--case', 'Case A', '--json'], env);
      assert.equal(rep.code, 0, rep.stderr);
      const report = JSON.parse(rep.stdout);
      assert.equal(report.items.length, Object.keys(fixture.expected).length);
      const human = await runCli(['report', '--case', 'Case A'], env);
      assert.match(human.stdout, /Items with problems \(8\)/);
      assert.match(human.stdout, /Exact duplicates/);

      const ver = await runCli(['verify', join(fixture.root, 'cam1', '2021-06-01_08-00.mp4'), '--json'], env);
      assert.equal(ver.code, 0, ver.stderr);
      const v = JSON.parse(ver.stdout);
      assert.equal(v.held, true);
      // The file and its exact copy: one blob, two recorded paths, each with its own ledger entry.
      assert.deepEqual(
        v.occurrences.map((o: { originalPath: string }) => o.originalPath.slice(fixture.root.length + 1)).sort(),
        ['cam1/2021-06-01_08-00 (copy).mp4', 'cam1/2021-06-01_08-00.mp4'],
      );
      for (const o of v.occurrences) assert.equal(o.inclusion.verified, true);

      const unknown = join(fixture.root, '..', 'not-in-vault.txt');
      await writeFile(unknown, 'never ingested');
      const no = await runCli(['verify', unknown], env);
      assert.equal(no.code, 1);
      assert.match(no.stdout, /NOT in the vault/);

      const lv = await runCli(['ledger', 'verify'], env);
      assert.equal(lv.code, 0, lv.stdout + lv.stderr);
      assert.match(lv.stdout, /INTACT/);
    });

    it('a flipped byte in a stored original fails "verify --all" (exit 1), naming blob and item', async () => {
      const rep = JSON.parse((await runCli(['report', '--case', 'Case A', '--json'], env)).stdout);
      const item = rep.items.find((it: { path: string }) => it.path.endsWith('export_0314.mp4'));
      const path = join(cfg.home, 'blobs', item.sha256.slice(0, 2), item.sha256.slice(2, 4), item.sha256);
      const bytes = await readFile(path);
      const bad = Buffer.from(bytes);
      bad[100]! ^= 0x80;
      await chmod(path, 0o644);
      await writeFile(path, bad);
      try {
        const r = await runCli(['verify', '--all'], env);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(r.stdout, new RegExp(`ALTERED ${item.sha256}`));
        assert.match(r.stdout, /export_0314\.mp4/);
      } finally {
        await writeFile(path, bytes);
        await chmod(path, 0o444);
      }
    });

    it('kill -9 in the middle of an ingest, then a re-run, leaves exactly one correct copy of everything', async () => {
      const ev = await tempDir('custodia-kill-');
      try {
        const expected = new Map<string, string>();
        for (let i = 0; i < 40; i++) {
          const body = randomBytes(12 * 1024 * 1024);
          const name = `dvr-${String(i).padStart(2, '0')}.264`;
          await writeFile(join(ev.path, name), body);
          expected.set(name, createHash('sha256').update(body).digest('hex'));
        }
        const before = blobFiles(cfg.home).length;
        const run = runCli(['ingest', ev.path, '--case', 'Kill', '--json'], env);
        // Wait until a few originals are stored, then pull the plug.
        const deadline = Date.now() + 60_000;
        while (blobFiles(cfg.home).length < before + 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        run.child.kill('SIGKILL');
        const killed = await run;
        assert.equal(killed.signal, 'SIGKILL', `the ingest ended before it could be killed: ${killed.stdout}`);
        const storedAtKill = blobFiles(cfg.home).length - before;
        assert.ok(storedAtKill < 40, `killed after ${storedAtKill} of 40`);

        const again = await runCli(['ingest', ev.path, '--case', 'Kill', '--json'], env);
        assert.equal(again.code, 0, again.stderr + again.stdout);
        const summary = JSON.parse(again.stdout);
        assert.equal(summary.resumed, true);
        assert.equal(summary.summary.files, 40);

        const report = JSON.parse((await runCli(['report', '--case', 'Kill', '--json'], env)).stdout);
        assert.equal(report.items.length, 40);
        assert.equal(report.acquisitions.length, 1);
        for (const it of report.items) {
          const name = it.path.slice(ev.path.length + 1);
          assert.equal(it.sha256, expected.get(name), name);
        }
        // One blob per file plus one manifest; nothing half-written left behind.
        assert.equal(blobFiles(cfg.home).length - before, 41);
        const tmp = join(cfg.home, 'blobs', 'tmp');
        assert.deepEqual(existsSync(tmp) ? readdirSync(tmp) : [], []);
        const lv = await runCli(['ledger', 'verify', '--json'], env);
        assert.equal(lv.code, 0, lv.stdout);
        assert.equal(JSON.parse(lv.stdout).ok, true);
        const fx = await runCli(['verify', '--all', '--json'], env);
        assert.equal(fx.code, 0, fx.stdout);
      } finally {
        await ev.remove();
      }
    });
  });
}
