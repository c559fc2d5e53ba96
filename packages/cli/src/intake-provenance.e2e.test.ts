import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { generateCodename, generateProtectedIdentity, IntakeClient, nodeChunkSeal, nodeUploadBody, purgeImported } from '@custodia/intake';
import { deterministicBytes, deterministicReader, startHarness } from '@custodia/intake/testing';
import { openVault } from '@custodia/store';
import { DB_KINDS, testConfig } from '@custodia/store/testing';
import { cliEnv, runCli } from './testing/run-cli.js';

const PASS = 'a long staff passphrase';
const MiB = 2 ** 20;
const text = (s: string) => {
  const b = new TextEncoder().encode(s);
  return { size: b.length, read: async (o: number, n: number) => b.subarray(o, o + n) };
};

/** Every file under `dir`, except those under the folders named in `skip` (relative to `dir`). */
async function filesUnder(dir: string, skip: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = join(d, e.name);
      if (skip.includes(relative(dir, p))) continue;
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(dir);
  return out;
}

/** Files outside the skipped folders that hold any of the windows of plaintext. */
async function plaintextOutside(home: string, skip: string[], windows: Buffer[]): Promise<string[]> {
  const found: string[] = [];
  for (const f of await filesUnder(home, skip)) {
    const bytes = await readFile(f).catch(() => Buffer.alloc(0));
    if (windows.some((w) => bytes.includes(w))) found.push(relative(home, f));
  }
  return found;
}

for (const kind of DB_KINDS) {
  describe(`custodia intake import: provenance, no plaintext outside the vault, resume, deletions (${kind})`, () => {
    it('records the source paths and timestamps, streams without a work folder, survives kill -9, reports tampering, and ledgers deletions once', { timeout: 25 * 60_000 }, async () => {
      const h = await startHarness(kind);
      const { config, cleanup } = await testConfig(kind);
      try {
        const env = cliEnv(config, { CUSTODIA_PIPELINE_STEPS: 'proxy,thumbnails', CUSTODIA_IDENTITY_PASSPHRASE: PASS, CUSTODIA_INTAKE_URL: h.url, CUSTODIA_INTAKE_TOKEN: h.pullToken });
        assert.equal((await runCli(['init'], env)).code, 0);
        const analyst = await generateProtectedIdentity(PASS, 14);
        const analystFile = join(config.home, 'analyst-fast.key');
        await writeFile(analystFile, analyst.protectedIdentity, { mode: 0o600 });
        await h.intake.service.repo.addRecipient('videos', 'analyst', analyst.recipient);

        const src = new IntakeClient(h.url, nodeChunkSeal, nodeUploadBody);
        await src.create('videos', generateCodename());
        const note = 'the guard on cam 3 at 04:12, written by the source for this test only';
        const sent = [
          { seed: 11, size: 8 * MiB + 5, path: 'DVR-export/cam3/2020-02-11_0412.mp4', mtime: '2020-02-11T04:12:00.000Z' },
          { seed: 12, size: 8 * MiB + 7, path: 'DVR-export/cam3/2020-02-11_0413.mp4', mtime: '2020-02-11T04:13:00.000Z' },
          { seed: 13, size: 8 * MiB + 9, path: 'DVR-export/cam4/2020-02-11_0412.mp4', mtime: '2020-02-11T04:12:30.000Z' },
        ];
        const b1 = await src.newBatch();
        const m1 = [];
        for (const f of sent) m1.push(await src.uploadFile(b1, deterministicReader(f.seed, f.size), { path: f.path, mtime: f.mtime }));
        m1.push(await src.uploadFile(b1, text(note), { path: 'DVR-export/Отчёт источника.txt', mtime: null }));
        await src.sealBatch(b1, m1);
        const windows = [...sent.map((f) => Buffer.from(deterministicBytes(f.seed, 3 * MiB, 64))), Buffer.from(note)];

        // First run: killed (SIGKILL) while a video streams into the blob store. Meanwhile nothing
        // decrypted may appear outside blobs/ (the database folder is scanned once at the end).
        const first = runCli(['intake', 'import', '--identity', analystFile, '--case', 'Intake', '--json'], env);
        let exited = false;
        void first.then(() => (exited = true));
        const leaks = new Set<string>();
        while (!exited) {
          for (const l of await plaintextOutside(config.home, ['blobs', 'db'], windows)) leaks.add(l);
          const tmp = join(config.home, 'blobs', 'tmp');
          const parts = await readdir(tmp).catch(() => [] as string[]);
          const sizes = await Promise.all(parts.map((p) => stat(join(tmp, p)).then((s) => s.size, () => 0)));
          if (sizes.some((s) => s > MiB)) {
            first.child.kill('SIGKILL');
            break;
          }
          await new Promise((r) => setTimeout(r, 5));
        }
        const killed = await first;
        assert.equal(killed.signal, 'SIGKILL', `the import finished before it could be killed: ${killed.stderr}`);
        assert.deepEqual([...leaks], []);

        const again = await runCli(['intake', 'import', '--identity', analystFile, '--case', 'Intake', '--json'], env);
        assert.equal(again.code, 0, again.stderr);
        const [res] = JSON.parse(again.stdout);
        assert.equal(res.problems.length, 0);
        assert.equal(res.markedImported, true);
        assert.equal(res.files, 4);
        assert.deepEqual(await plaintextOutside(config.home, ['blobs'], windows), []);
        assert.equal(await stat(join(config.home, 'tmp', 'intake-import')).then(() => true, () => false), false);

        const vault = await openVault(config);
        try {
          const acq = await vault.db.query<{ id: number; kind: string; source_label: string; status: string }>('SELECT id, kind, source_label, status FROM acquisitions');
          assert.equal(acq.rows.length, 1, 'the re-run resumed the interrupted acquisition');
          assert.equal(acq.rows[0]!.kind, 'intake-submission');
          assert.equal(acq.rows[0]!.status, 'complete');
          assert.equal(acq.rows[0]!.source_label, `intake submission ${res.submissionId}, batch ${b1}`);
          const items = await vault.db.query<{ display_path: string; raw_path: Uint8Array; mtime: string | null; sha256: string; status: string }>(
            'SELECT display_path, raw_path, mtime, sha256, status FROM items WHERE parent_id IS NULL ORDER BY id',
          );
          for (const f of m1) {
            const rows = items.rows.filter((r) => r.display_path === f.path);
            assert.equal(rows.length, 1, `${f.path} is recorded exactly once`);
            assert.deepEqual(Buffer.from(rows[0]!.raw_path), Buffer.from(f.path, 'utf8'));
            assert.equal(rows[0]!.mtime, f.mtime);
            assert.equal(rows[0]!.sha256, f.sha256);
            assert.equal(rows[0]!.status, 'ok');
          }
          const records = items.rows.filter((r) => r.display_path.startsWith('_intake-records/')).map((r) => r.display_path).sort();
          assert.deepEqual(records, [`_intake-records/${b1}.manifest.json`, `_intake-records/${b1}.receipt.txt`]);
          assert.equal(items.rows.length, m1.length + 2);
        } finally {
          await vault.close();
        }

        // A batch with a tampered file: reported, the rest imported, the batch left on the intake.
        const b2 = await src.newBatch();
        const m2 = [
          await src.uploadFile(b2, deterministicReader(21, 400_000), { path: 'more/clip.mp4', mtime: '2020-03-01T10:00:00.000Z' }),
          await src.uploadFile(b2, deterministicReader(22, 300_000), { path: 'more/other.mp4', mtime: '2020-03-01T10:05:00.000Z' }),
        ];
        await src.sealBatch(b2, m2);
        const onDisk = join(h.intake.uploadsDir, m2[0]!.uploadId);
        const bytes = await readFile(onDisk);
        bytes[bytes.length - 1000] = bytes[bytes.length - 1000]! ^ 0xff;
        await writeFile(onDisk, bytes);
        const imp2 = await runCli(['intake', 'import', '--identity', analystFile, '--case', 'Intake', '--json'], env);
        assert.equal(imp2.code, 1, imp2.stderr);
        const [res2] = JSON.parse(imp2.stdout);
        assert.equal(res2.markedImported, false);
        assert.deepEqual(res2.problems.map((p: { path: string }) => p.path), ['more/clip.mp4']);
        assert.match(res2.problems[0].reason, /decryption failed .*failed authentication/);
        // Run again: the batch is still waiting and is reported against its acquisition; --again records it anew.
        const imp3 = await runCli(['intake', 'import', '--identity', analystFile, '--case', 'Intake', '--json'], env);
        assert.equal(imp3.code, 1, imp3.stderr);
        const [res3] = JSON.parse(imp3.stdout);
        assert.equal(res3.batches[0].already, true);
        assert.equal(res3.batches[0].acquisitionId, res2.batches[0].acquisitionId);
        const imp4 = await runCli(['intake', 'import', '--identity', analystFile, '--case', 'Intake', '--again', '--json'], env);
        assert.equal(imp4.code, 1, imp4.stderr);
        const [res4] = JSON.parse(imp4.stdout);
        assert.equal(res4.batches[0].already, false);
        assert.notEqual(res4.batches[0].acquisitionId, res2.batches[0].acquisitionId);

        const v2 = await openVault(config);
        try {
          const rows = await v2.db.query<{ display_path: string; status: string; sha256: string | null; mtime: string | null; reason: string | null }>(
            'SELECT display_path, status, sha256, mtime, reason FROM items WHERE acquisition_id = $1 ORDER BY display_path',
            [res2.batches[0].acquisitionId],
          );
          const clip = rows.rows.find((r) => r.display_path === 'more/clip.mp4')!;
          assert.equal(clip.status, 'manifest-mismatch');
          assert.ok(clip.sha256, 'what was decrypted before the damage is preserved');
          assert.equal(clip.mtime, '2020-03-01T10:00:00.000Z');
          const other = rows.rows.find((r) => r.display_path === 'more/other.mp4')!;
          assert.equal(other.status, 'ok');
          assert.equal(other.sha256, m2[1]!.sha256);
        } finally {
          await v2.close();
        }

        // The intake deletes the first batch's ciphertext after its retention period; the vault ledgers each deletion once.
        const purged = await purgeImported(h.intake.service, h.intake.uploadsDir, new Date(Date.now() + 400 * 86_400_000));
        assert.equal(purged.files, m1.length);
        const s1 = await runCli(['intake', 'sync', '--json'], env);
        assert.equal(s1.code, 0, s1.stderr);
        assert.equal(JSON.parse(s1.stdout).recorded, m1.length);
        const s2 = await runCli(['intake', 'sync', '--json'], env);
        assert.equal(s2.code, 0, s2.stderr);
        assert.deepEqual(JSON.parse(s2.stdout), { recorded: 0, known: m1.length, unreadable: [] });
        const v3 = await openVault(config);
        try {
          const entries = await v3.db.query<{ entry: string }>("SELECT entry FROM ledger_entries WHERE action = 'intake-ciphertext-deleted' ORDER BY seq");
          const details = entries.rows.map((r) => JSON.parse(r.entry).details as { submission: string; batch: string; upload: string; path: string; deletedAt: string });
          assert.deepEqual(details.map((d) => d.upload).sort(), m1.map((f) => f.uploadId).sort());
          assert.deepEqual(details.map((d) => d.path).sort(), m1.map((f) => f.path).sort());
          for (const d of details) {
            assert.equal(d.submission, res.submissionId);
            assert.equal(d.batch, b1);
            assert.ok(!Number.isNaN(Date.parse(d.deletedAt)));
          }
        } finally {
          await v3.close();
        }
      } finally {
        await h.close();
        await cleanup();
      }
    });
  });
}
