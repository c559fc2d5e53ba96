import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Config } from '@custodia/store';
import { DB_KINDS, tempDir, testConfig } from '@custodia/store/testing';
import { CLI, cliEnv, runCli } from './testing/run-cli.js';

const REPORT = `Russia Drops Case Against Prison Torture Whistleblower\n\nThe head of the regional prison service said 18 officials\nhad been fired. The whistleblower had been arrested in absentia.\n`;

const contractFile = () => ({
  format: 'custodia-accountability/1',
  label: 'Demonstration data taken from a news report',
  sources: [{ key: 'mt', kind: 'web-page', title: 'Russia Drops Case', publisher: 'The Moscow Times', url: 'https://example.org/mt', publishedOn: null, retrievedAt: '2026-11-30T00:00:00Z', capturedCopy: 'copies/report.txt' }],
  persons: [
    { key: 'head', role: 'official', pseudonym: 'Head of the service', protected: null, isSource: false,
      positions: [{ facility: 'FSIN Saratov region', unit: null, rank: null, title: 'Head of the regional prison service', from: null, to: null, claims: [{ source: 'mt', quote: 'head of the regional prison service', confidence: 'high' }] }] },
    { key: 'wb', role: 'other', pseudonym: 'The whistleblower', protected: null, isSource: true, positions: [] },
  ],
  proceedings: [
    { key: 'officials-fired', type: 'dismissal', title: '=HYPERLINK("http://x","18 officials fired")', subjects: [], unnamedSubjects: 18, authority: 'FSIN Saratov region', legalArticle: null,
      facility: 'Saratov prison tuberculosis hospital', sourceExposure: false,
      events: [{ on: null, status: 'announced', summary: 'The head said, "18 officials had been fired".', claims: [{ source: 'mt', quote: '18 officials had been fired', confidence: 'high' }] }] },
    { key: 'arrest', type: 'arrest-in-absentia', title: 'Secret exposure record', subjects: ['wb'], unnamedSubjects: 0, authority: null, legalArticle: null, facility: null, sourceExposure: true,
      events: [{ on: '2025-06', status: 'opened', summary: 'Arrested in absentia.', claims: [{ source: 'mt', quote: 'arrested in absentia', confidence: 'medium' }] }] },
  ],
});

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

for (const kind of DB_KINDS) {
  describe(`custodia accountability on ${kind}`, () => {
    let cfg: Config;
    let cleanup: () => Promise<void>;
    let env: NodeJS.ProcessEnv;
    let dir: { path: string; remove: () => Promise<void> };
    const write = async (name: string, value: unknown) => {
      const p = join(dir.path, name);
      await writeFile(p, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
      return p;
    };

    before(async () => {
      ({ config: cfg, cleanup } = await testConfig(kind));
      env = cliEnv(cfg);
      dir = await tempDir('custodia-accountability-');
      await mkdir(join(dir.path, 'copies'));
      await write('copies/report.txt', REPORT);
    });
    after(async () => {
      await cleanup();
      await dir.remove();
    });

    it('imports the contract file once, names the failing record of a refused file, and exports CSV and JSON without the source\'s exposure unless chosen', async () => {
      const help = await runCli(['accountability', 'import', '--help'], env);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /verbatim/);
      assert.equal((await runCli(['init'], env)).code, 0);
      const good = await write('good.json', contractFile());

      const noAdmin = await runCli(['accountability', 'import', '--case', 'Saratov', good], env);
      assert.equal(noAdmin.code, 2, noAdmin.stderr);
      assert.match(noAdmin.stderr, /no administrator account/);
      assert.equal((await runWithStdin(['user', 'add', '--admin', 'ana'], env, 'a long enough password\n')).code, 0);

      const misquoted = contractFile();
      misquoted.proceedings[0]!.events[0]!.claims[0]!.quote = '19 officials had been fired';
      const bad = await runCli(['accountability', 'import', '--case', 'Saratov', await write('bad.json', misquoted)], env);
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /proceedings\[0\] "officials-fired" events\[0\] claims\[0\]: the quote "19 officials had been fired" does not occur verbatim/);
      const extra = { ...contractFile(), extra: 1 } as Record<string, unknown>;
      (extra.proceedings as { events: { status: string }[] }[])[0]!.events[0]!.status = 'sacked';
      const shape = await runCli(['accountability', 'import', '--case', 'Saratov', await write('shape.json', extra)], env);
      assert.equal(shape.code, 2);
      assert.match(shape.stderr, /proceedings\[0\]\.events\[0\]\.status: /);
      assert.match(shape.stderr, /Unrecognized key: "extra"/);
      const report = await runCli(['report', '--case', 'Saratov', '--json'], env);
      assert.equal(report.code, 2, 'a refused file leaves no case behind');

      const first = await runCli(['accountability', 'import', '--case', 'Saratov', good, '--json'], env);
      assert.equal(first.code, 0, first.stderr);
      const one = JSON.parse(first.stdout);
      assert.deepEqual(one.created, { sources: 1, persons: 2, proceedings: 2, events: 2, claims: 3, facilities: 2 });
      assert.equal(typeof one.acquisition, 'number');
      const second = JSON.parse((await runCli(['accountability', 'import', '--case', 'Saratov', good, '--json'], env)).stdout);
      assert.deepEqual(second.created, { sources: 0, persons: 0, proceedings: 0, events: 0, claims: 0, facilities: 0 });
      assert.equal(second.acquisition, null);

      const csv = await runCli(['accountability', 'export', '--case', 'Saratov', '--format', 'csv'], env);
      assert.equal(csv.code, 0, csv.stderr);
      const lines = csv.stdout.split('\r\n');
      assert.match(lines[0]!, /^proceeding_id,type,title,outcome/);
      assert.equal(lines.filter((l) => l.length > 0).length, 2);
      assert.ok(lines[1]!.includes(`"'=HYPERLINK(""http://x"",""18 officials fired"")"`), lines[1]);
      assert.ok(lines[1]!.includes('"The head said, ""18 officials had been fired""."'));
      assert.ok(!csv.stdout.includes('Secret exposure') && !csv.stdout.includes('whistleblower'));
      const json = JSON.parse((await runCli(['accountability', 'export', '--case', 'Saratov'], env)).stdout);
      assert.equal(json.format, 'custodia-accountability-export/1');
      assert.equal(json.label, 'Demonstration data taken from a news report');
      assert.deepEqual(json.counts.map((c: { outcome: string }) => c.outcome), ['dismissed']);
      const full = JSON.parse((await runCli(['accountability', 'export', '--case', 'Saratov', '--with-source-exposure'], env)).stdout);
      assert.deepEqual(full.proceedings.map((p: { title: string }) => p.title).sort(), ['=HYPERLINK("http://x","18 officials fired")', 'Secret exposure record']);
      assert.deepEqual(full.proceedings.find((p: { sourceExposure: boolean }) => p.sourceExposure).subjects.map((s: { pseudonym: string }) => s.pseudonym), ['The whistleblower']);
      const bad2 = await runCli(['accountability', 'export', '--case', 'Nope'], env);
      assert.equal(bad2.code, 2);
    });
  });
}
