import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { generateCodename, IntakeClient, nodeChunkSeal, nodeUploadBody, PullClient, unwrapFileKeys, type IngestBatch } from '@custodia/intake';
import { deterministicReader, startHarness, type Harness } from '@custodia/intake/testing';
import { DB_KINDS } from '@custodia/store/testing';
import { TEST_ARGON2 } from '../accounts/password-hasher.js';
import { createApp } from '../app.js';
import { composeServer } from '../compose.js';
import type { IntakeLink } from '../intake/intake-link.js';
import { listen, type RunningServer } from '../server.js';
import { startTestServer, TestClient, type TestServer } from '../testing/test-server.js';

/**
 * Import jobs are recorded in the vault (migration 038): their status survives a restart of the
 * workspace server, and a job whose server stopped mid-import is shown as interrupted and can be
 * run again. The ingest itself is the CLI's (tested with the real one in the browser story,
 * packages/e2e/dist/intake-staff, and in packages/cli/dist/intake*); here a stand-in records what
 * it was asked, and the first server's import is held in the middle of its batch.
 */
for (const kind of DB_KINDS) {
  describe(`intake import jobs survive a restart of the workspace server (${kind})`, () => {
    let h: Harness;
    let s: TestServer;
    const extra: RunningServer[] = [];
    let adminTotp: string;
    let caseId: number;
    let subId: string;
    let release: (e: Error) => void = () => undefined;
    const ingested: string[] = [];

    /** A server process's view of the intake; `hold` keeps its ingest in the middle of a batch. */
    const link = (hold: boolean): IntakeLink => ({
      pull: new PullClient(h.url, h.pullToken),
      portalUrl: h.url,
      ingestBatch: ({ progress }): IngestBatch => async ({ root }) => {
        progress?.planned({ files: 2, bytes: 1_000_000 });
        if (hold) await new Promise((_, reject) => (release = reject));
        progress?.fileDone('cam/1.mp4', 'ok', false);
        progress?.fileDone('cam/1.mp4', 'ok', false);
        ingested.push(root);
        return { acquisitionId: 41, already: false, problems: [] };
      },
    });

    /** "Restarts" the workspace: a new composition on the same vault database, as a new process has. */
    async function restart(hold: boolean): Promise<TestClient> {
      const deps = await composeServer(s.vault, { argon2: TEST_ARGON2, log: pino({ level: 'silent' }), intake: link(hold) });
      const server = await listen(createApp(deps, { webDist: null }), { host: '127.0.0.1', port: 0 });
      extra.push(server);
      const c = new TestClient(server.url);
      await c.signIn('cora');
      return c;
    }

    const until = async <T>(f: () => Promise<T>, ok: (v: T) => boolean): Promise<T> => {
      for (let i = 0; ; i++) {
        const v = await f();
        if (ok(v)) return v;
        if (i > 600) throw new Error(`never reached: ${JSON.stringify(v)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    before(async () => {
      h = await startHarness(kind);
      s = await startTestServer(kind, { intake: link(true) });
      const a = await s.addUser({ username: 'admin', isAdmin: true, totp: true });
      adminTotp = a.totpSecret!;
      // A sealed batch of one file, as the portal sends it.
      const src = new IntakeClient(h.url, nodeChunkSeal, nodeUploadBody);
      await src.create('videos', generateCodename());
      const b = await src.newBatch();
      await src.sealBatch(b, [await src.uploadFile(b, deterministicReader(9, 70_000), { path: 'cam/1.mp4', mtime: null })]);
      subId = src.submissionId!;
    });
    after(async () => {
      release(new Error('test over'));
      for (const x of extra) await x.close();
      await s?.close();
      await h?.close();
    });

    test('a running job is shown as interrupted after a restart, runs again to the end, and its result is still there after another restart', async () => {
      const admin = s.client();
      await admin.signIn('admin', { totpSecret: adminTotp });
      caseId = (await admin.json('POST', '/api/cases', { name: 'Intake' })).body.case.id;
      const cora = await s.addUser({ username: 'cora' });
      assert.equal((await admin.json('PUT', `/api/cases/${caseId}/members/${cora.user.id}`, { role: 'coordinator', grants: [] })).status, 200);
      const first = s.client();
      await first.signIn('cora');
      // The browser's part: the headers to unwrap, then only the file keys go back.
      const listed = await first.json('GET', `/api/intake/submissions/${subId}/headers`);
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.body.headers.map((x: { uploadId: string | null }) => x.uploadId === null), [true, false], 'the manifest and the one upload');
      const fileKeys = await unwrapFileKeys(listed.body.headers, h.identity);
      const none = await first.json('POST', '/api/intake/imports', { submissionId: subId, caseId, fileKeys: fileKeys.slice(0, 1) });
      assert.equal(none.status, 400);
      assert.equal(none.body.error.where, 'body.fileKeys');
      assert.match(none.body.error.message, /no file key for 1 file/);
      const swapped = await first.json('POST', '/api/intake/imports', { submissionId: subId, caseId, fileKeys: [fileKeys[0], { header: fileKeys[1]!.header, key: fileKeys[0]!.key }] });
      assert.equal(swapped.status, 400);
      assert.match(swapped.body.error.message, /does not open it/);
      const started = await first.json('POST', '/api/intake/imports', { submissionId: subId, caseId, fileKeys });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      const jobId = started.body.job.id as string;
      const running = await until(() => first.json('GET', `/api/intake/imports/${jobId}`), (r) => r.body.job.progress.plannedFiles === 2);
      assert.equal(running.body.job.state, 'running');
      const twice = await first.json('POST', '/api/intake/imports', { submissionId: subId, caseId, fileKeys });
      assert.equal(twice.status, 409, 'one import of a submission at a time');
      assert.equal((await first.json('GET', '/api/intake/submissions')).body.submissions[0].importStatus, 'importing');
      // What the database holds about the job: counts, never the identity.
      await until(() => s.vault.db.query<{ progress: { plannedFiles: number } }>('SELECT progress FROM intake_import_jobs WHERE id = $1', [jobId]), (r) => r.rows[0]?.progress.plannedFiles === 2);
      const rows = await s.vault.db.query<{ t: string }>('SELECT row_to_json(j)::text AS t FROM intake_import_jobs j');
      const stored = rows.rows.map((r) => r.t).join('\n');
      assert.doesNotMatch(stored, /AGE-SECRET-KEY/);
      for (const k of fileKeys) assert.ok(!stored.includes(k.key), 'no file key either');

      // The server stops in the middle of the import; a new one starts on the same vault.
      const second = await restart(false);
      const seen = await second.json('GET', `/api/intake/imports/${jobId}`);
      assert.equal(seen.status, 200);
      assert.equal(seen.body.job.state, 'interrupted');
      assert.equal(seen.body.job.progress.plannedFiles, 2, 'the progress it had reached is kept');
      const list = await second.json('GET', '/api/intake/submissions');
      assert.equal(list.body.submissions[0].importStatus, 'waiting', 'no longer shown as importing');
      assert.deepEqual(list.body.jobs.map((j: { id: string; state: string }) => [j.id, j.state]), [[jobId, 'interrupted']]);

      // Importing again runs to the end.
      const again = await second.json('POST', '/api/intake/imports', { submissionId: subId, caseId, fileKeys });
      assert.equal(again.status, 201, JSON.stringify(again.body));
      const done = await until(() => second.json('GET', `/api/intake/imports/${again.body.job.id}`), (r) => r.body.job.state !== 'running');
      assert.equal(done.body.job.state, 'done', JSON.stringify(done.body.job));
      assert.equal(done.body.job.result.markedImported, true);
      assert.equal(ingested.length, 1);

      // After another restart both jobs are still there, as they ended.
      const third = await restart(false);
      const after3 = await third.json('GET', '/api/intake/submissions');
      assert.deepEqual(after3.body.jobs.map((j: { id: string; state: string }) => [j.id, j.state]), [[again.body.job.id, 'done'], [jobId, 'interrupted']]);
      const kept = await third.json('GET', `/api/intake/imports/${again.body.job.id}`);
      assert.deepEqual(kept.body.job.result, done.body.job.result);
      assert.deepEqual(kept.body.job.progress, { ...done.body.job.progress });
      assert.equal(after3.body.submissions[0].importStatus, 'imported');
      const missing = await third.json('GET', `/api/intake/imports/imp-${'0'.repeat(16)}`);
      assert.equal(missing.status, 404);
    });
  });
}
