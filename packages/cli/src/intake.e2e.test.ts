import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateCodename, generateProtectedIdentity, IntakeClient, nodeChunkSeal, nodeUploadBody } from '@custodia/intake';
import { deterministicReader, sha256Of, startHarness } from '@custodia/intake/testing';
import { openVault } from '@custodia/store';
import { DB_KINDS, testConfig } from '@custodia/store/testing';
import { cliEnv, runCli } from './testing/run-cli.js';

const PASS = 'a long staff passphrase';
const text = (s: string) => {
  const b = new TextEncoder().encode(s);
  return { size: b.length, read: async (o: number, n: number) => b.subarray(o, o + n) };
};

for (const kind of DB_KINDS) {
  describe(`custodia intake: keygen, import into the vault, reply (${kind})`, () => {
    it('imports a submission as an intake-submission acquisition whose files hash exactly, reports a tampered file, and replies', { timeout: 25 * 60_000 }, async () => {
      const h = await startHarness(kind);
      const { config, cleanup } = await testConfig(kind);
      try {
        const env = cliEnv(config, { CUSTODIA_PIPELINE_STEPS: 'proxy,thumbnails', CUSTODIA_IDENTITY_PASSPHRASE: PASS, CUSTODIA_INTAKE_URL: h.url, CUSTODIA_INTAKE_TOKEN: h.pullToken });
        assert.equal((await runCli(['init'], env)).code, 0);
        const keyFile = join(config.home, 'analyst.key');
        const kg = await runCli(['intake', 'keygen', '--out', keyFile], env);
        assert.equal(kg.code, 0, kg.stderr);
        assert.match(kg.stdout.trim(), /^age1/);
        assert.doesNotMatch(await readFile(keyFile, 'utf8'), /AGE-SECRET-KEY/);
        // The commands below unlock an identity made the same way with a cheaper scrypt cost (the
        // cost is stored in the file), so the suite stays fast; keygen's own file uses age's default.
        const analyst = await generateProtectedIdentity(PASS, 14);
        const analystFile = join(config.home, 'analyst-fast.key');
        await writeFile(analystFile, analyst.protectedIdentity, { mode: 0o600 });
        const recipient = analyst.recipient;
        await h.intake.service.repo.addRecipient('videos', 'analyst', recipient);

        // The source sends a folder (two files), then comes back with a second batch.
        const codename = generateCodename();
        const src = new IntakeClient(h.url, nodeChunkSeal, nodeUploadBody);
        await src.create('videos', codename);
        const video = deterministicReader(5, 3 * 2 ** 20 + 17);
        const b1 = await src.newBatch();
        const f1 = [
          await src.uploadFile(b1, video, { path: 'DVR export/cam 1/0001.h264', mtime: '2021-10-05T22:00:00.000Z' }),
          await src.uploadFile(b1, text('statement'), { path: 'DVR export/readme.txt', mtime: null }),
        ];
        await src.sealBatch(b1, f1);

        const inbox = await runCli(['intake', 'inbox', '--json'], env);
        assert.equal(inbox.code, 0, inbox.stderr);
        const rows = JSON.parse(inbox.stdout);
        assert.equal(rows[0].batches[0].state, 'ready');

        const imp = await runCli(['intake', 'import', '--identity', analystFile, '--case', 'Intake', '--json'], env);
        assert.equal(imp.code, 0, imp.stderr);
        const [res] = JSON.parse(imp.stdout);
        assert.equal(res.problems.length, 0);
        assert.equal(res.markedImported, true);
        assert.equal(res.files, 2);

        // No work folder: the vault holds the files, byte for byte, under the submission's name and the source's paths.
        assert.equal(await readdir(join(config.home, 'tmp', 'intake-import')).then(() => true, () => false), false);
        const vault = await openVault(config);
        try {
          const acq = await vault.db.query<{ id: number; kind: string; source_label: string }>('SELECT id, kind, source_label FROM acquisitions');
          assert.equal(acq.rows.length, 1);
          assert.equal(acq.rows[0]!.kind, 'intake-submission');
          assert.equal(acq.rows[0]!.source_label, `intake submission ${res.submissionId}, batch ${b1}`);
          const items = await vault.db.query<{ rel_path: string; sha256: string; size: string }>('SELECT rel_path, sha256, size::text FROM items ORDER BY rel_path');
          const byPath = new Map(items.rows.map((r) => [r.rel_path, r]));
          const cam = byPath.get('DVR export/cam 1/0001.h264');
          assert.equal(cam?.sha256, sha256Of(await video.read(0, video.size)));
          assert.equal(cam?.sha256, f1[0]!.sha256);
          assert.ok([...byPath.keys()].some((p) => p.endsWith('.receipt.txt')), 'the signed receipt is preserved with the files');
        } finally {
          await vault.close();
        }

        // Second visit: one file's ciphertext is modified on the intake's disk. The import reports it,
        // ingests what it could, and leaves the batch on the intake.
        await src.signIn(codename);
        const b2 = await src.newBatch();
        const f2 = [await src.uploadFile(b2, deterministicReader(6, 500_000), { path: 'more/clip.mp4', mtime: null })];
        await src.sealBatch(b2, f2);
        const onDisk = join(h.intake.uploadsDir, f2[0]!.uploadId);
        const bytes = await readFile(onDisk);
        bytes[bytes.length - 1000] = bytes[bytes.length - 1000]! ^ 0xff;
        await writeFile(onDisk, bytes);
        const imp2 = await runCli(['intake', 'import', '--identity', analystFile, '--case', 'Intake', '--json'], env);
        assert.equal(imp2.code, 1, imp2.stderr);
        const [res2] = JSON.parse(imp2.stdout);
        assert.equal(res2.markedImported, false);
        assert.match(res2.problems[0].reason, /failed authentication/);

        // Wrong passphrase: refused before anything is pulled.
        const wrong = await runCli(['intake', 'import', '--identity', analystFile], { ...env, CUSTODIA_IDENTITY_PASSPHRASE: 'not the passphrase' });
        assert.equal(wrong.code, 2);
        assert.match(wrong.stderr, /wrong passphrase/);

        // Staff reply; the source reads it with the codename.
        const rep = await runCli(['intake', 'reply', '--submission', res.submissionId, '--message', 'Received, thank you.'], env);
        assert.equal(rep.code, 0, rep.stderr);
        const msgs = await src.readMessages();
        assert.deepEqual(msgs.map((m) => m.text), ['Received, thank you.']);
        const inbox2 = await runCli(['intake', 'inbox', '--identity', analystFile, '--json'], env);
        assert.equal(JSON.parse(inbox2.stdout)[0].messages[0].text, 'Received, thank you.');
      } finally {
        await h.close();
        await cleanup();
      }
    });
  });
}
