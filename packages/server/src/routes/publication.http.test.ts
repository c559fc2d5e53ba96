import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateMediaTools, type MediaTools } from '@custodia/media';
import { PgJobQueue, Worker } from '@custodia/store';
import { DB_KINDS } from '@custodia/store/testing';
import { startTestServer, type TestClient, type TestServer } from '../testing/test-server.js';
import { seedCase } from '../testing/evidence-seed.js';
import { siteBuildHandlers, siteBuildWorker } from '../testing/site-build-worker.js';

const BUILD_VERIFIER = fileURLToPath(new URL('../../../../scripts/build-verifier.mjs', import.meta.url));
const done = { source: { done: true, note: 'ok' }, technical: { done: true, note: 'ok' }, content: { done: true, note: 'ok' } };
const INTERNAL = 'INTERNAL-DESCRIPTION-Sparrow';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const kind of DB_KINDS) {
  describe(`publication API over HTTP (${kind})`, () => {
    let s: TestServer;
    let tmp: string;
    const as: Record<'admin' | 'ana' | 'rita' | 'olga' | 'cora', TestClient> = {} as never;
    let caseId: number;
    let items: { id: number; sha256: string }[];
    let tools: MediaTools;
    let clipSha: string;
    let redactionId: number;
    let incidentId: number;

    /** What `custodia serve`/`custodia worker` do for site builds, until no job is due. */
    const runBuilds = () => siteBuildWorker(s.vault, tools).runUntilIdle();
    const site = async (id: number) => (await as.olga.json('GET', `/api/cases/${caseId}/sites/${id}`)).body.site;
    const sitesDir = () => join(s.vault.config.home, 'sites');
    const leftovers = async () => (existsSync(sitesDir()) ? (await readdir(sitesDir())).filter((n) => n.includes('.partial-')) : []);
    const published = async () => Number((await s.vault.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_refs WHERE action = 'site-published'`)).rows[0]!.n);
    /** Asks for a build, runs the worker, and returns the build as the API shows it then. */
    const buildNow = async () => {
      const q = await as.cora.json('POST', `/api/cases/${caseId}/sites`);
      assert.equal(q.status, 202, JSON.stringify(q.body));
      await runBuilds();
      return site(q.body.site.id);
    };

    before(async () => {
      execFileSync(process.execPath, [BUILD_VERIFIER], { stdio: ['ignore', 'ignore', 'pipe'] });
      tools = await locateMediaTools();
      tmp = await mkdtemp(join(tmpdir(), 'custodia-pub-http-'));
      s = await startTestServer(kind);
      const a = await s.addUser({ username: 'admin', isAdmin: true, totp: true });
      as.admin = s.client();
      await as.admin.signIn('admin', { totpSecret: a.totpSecret });
      caseId = (await as.admin.json('POST', '/api/cases', { name: 'ИК-6' })).body.case.id;
      items = (await seedCase(s.vault, 'ИК-6', [{ path: '/seed/cam1/2021-03-04.mp4', bytes: Buffer.from('video one'), proxy: Buffer.from('proxy one'), durationSec: 60 }])).items;
      for (const [name, role] of [['ana', 'analyst'], ['rita', 'reviewer'], ['olga', 'observer'], ['cora', 'coordinator']] as const) {
        const u = await s.addUser({ username: name });
        assert.equal((await as.admin.json('PUT', `/api/cases/${caseId}/members/${u.user.id}`, { role, grants: [] })).status, 200);
        as[name] = s.client();
        await as[name].signIn(name);
      }
    });
    after(async () => {
      await s?.close();
      await rm(tmp, { recursive: true, force: true });
    });

    test('mark public (coordinators, verified incidents only), build the site and download it as a zip; unmark', async () => {
      const inc = await as.ana.json('POST', `/api/cases/${caseId}/incidents`, { title: 'Internal title', timeSource: 'overlay', occurredFrom: '2021-03-04T02:10:00Z', description: INTERNAL });
      const id = inc.body.incident.id;
      await as.ana.json('POST', `/api/incidents/${id}/segments`, { itemId: items[0]!.id, startSec: 0, endSec: 2 });

      // An approved redaction, as the redaction studio leaves it: a real rendered clip stored as a blob, its render ledgered.
      const clip = join(tmp, 'redacted.mp4');
      execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip]);
      const put = await s.vault.blobs.put(createReadStream(clip));
      clipSha = put.sha256;
      incidentId = id;
      const users = (await s.vault.db.query<{ id: number; username: string }>('SELECT id, username FROM users')).rows;
      const uid = (n: string) => Number(users.find((u) => u.username === n)!.id);
      redactionId = await s.vault.db.transaction(async (tx) => {
        await tx.query('INSERT INTO blobs (sha256, size) VALUES ($1, $2) ON CONFLICT DO NOTHING', [put.sha256, put.size]);
        const r = await tx.query<{ id: number }>(
          `INSERT INTO redactions (case_id, item_id, source_sha256, recipe, recipe_sha256, status, output_sha256, created_by, rendered_by, reviewed_by, reviewed_at)
           VALUES ($1, $2, $3, '{}', $4, 'approved', $5, $6, $6, $7, now()) RETURNING id`,
          [caseId, items[0]!.id, items[0]!.sha256, 'a'.repeat(64), put.sha256, uid('ana'), uid('rita')],
        );
        await s.vault.ledger.append(tx, { actor: 'user:ana', action: 'redaction-rendered', subjects: [items[0]!.sha256, put.sha256].sort(), details: { redaction: Number(r.rows[0]!.id) } });
        return Number(r.rows[0]!.id);
      });

      const mark = { title: 'Beating of a detainee', summary: 'A detainee is beaten at night.', redactionIds: [redactionId] };
      const seen = await as.olga.json('GET', `/api/incidents/${id}/publication`);
      assert.deepEqual([seen.status, seen.body.canMark, seen.body.reason, seen.body.publishable.map((r: { id: number }) => r.id)], [200, false, 'role', [redactionId]]);
      assert.equal((await as.cora.json('GET', `/api/incidents/${id}/publication`)).body.reason, 'not-verified');
      assert.equal((await as.cora.json('PUT', `/api/incidents/${id}/publication`, mark)).status, 409);
      await as.ana.json('POST', `/api/incidents/${id}/review`, { action: 'submit' });
      assert.equal((await as.rita.json('POST', `/api/incidents/${id}/review`, { action: 'verify', checklist: done, confidence: 'high' })).status, 200);
      assert.equal((await as.ana.json('PUT', `/api/incidents/${id}/publication`, mark)).status, 403);
      const bad = await as.cora.json('PUT', `/api/incidents/${id}/publication`, { ...mark, title: '' });
      assert.equal(bad.body.error.where, 'body.title');
      const marked = await as.cora.json('PUT', `/api/incidents/${id}/publication`, mark);
      assert.equal(marked.status, 200, JSON.stringify(marked.body));
      assert.deepEqual([marked.body.publication.title, marked.body.publication.markedBy, marked.body.publication.version], [mark.title, 'cora', 1]);

      assert.equal((await as.rita.json('POST', `/api/cases/${caseId}/sites`)).status, 403);
      // The request answers at once: queued, for a worker; asking again meanwhile gets the same build.
      const queued = await as.cora.json('POST', `/api/cases/${caseId}/sites`);
      assert.equal(queued.status, 202, JSON.stringify(queued.body));
      assert.deepEqual([queued.body.created, queued.body.site.state, queued.body.site.download, queued.body.site.ledgerSeq], [true, 'queued', null, null]);
      const twice = await as.admin.json('POST', `/api/cases/${caseId}/sites`);
      assert.deepEqual([twice.status, twice.body.created, twice.body.site.id, twice.body.site.builtBy], [202, false, queued.body.site.id, 'cora']);
      assert.equal((await as.olga.json('GET', `/api/cases/${caseId}/sites`)).body.sites.length, 1, 'no second build');
      assert.equal((await as.cora.req('GET', `/api/cases/${caseId}/sites/${queued.body.site.id}/zip`)).status, 404, 'nothing to download yet');
      // A worker running beside the API (as `custodia serve` runs it); the client polls the build.
      const worker = siteBuildWorker(s.vault, tools);
      worker.start();
      let polled = queued.body.site;
      try {
        for (let i = 0; i < 600 && (polled.state === 'queued' || polled.state === 'running'); i++) {
          await pause(100);
          polled = await site(queued.body.site.id);
        }
      } finally {
        await worker.stop();
      }
      assert.equal(polled.state, 'done', JSON.stringify(polled));
      assert.deepEqual([polled.incidents, polled.videos, polled.builtBy, polled.attempts, polled.error], [1, 1, 'cora', 1, null]);
      assert.ok(polled.ledgerSeq > 0 && polled.zipBytes > 0);
      assert.deepEqual(await leftovers(), [], 'no temporary folder left');
      const built = { body: { site: polled } };
      const zip = await as.cora.req('GET', built.body.site.download);
      assert.equal(zip.status, 200);
      assert.equal(zip.headers.get('content-type'), 'application/zip');
      const bytes = Buffer.from(await zip.arrayBuffer());
      assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK');
      const text = bytes.toString('latin1');
      assert.ok(text.includes('index.html') && text.includes(`media/${put.sha256}.mp4`) && text.includes('Beating of a detainee'));
      assert.ok(!text.includes(INTERNAL) && !text.includes('Internal title') && !text.includes('user:cora'));
      assert.equal((await as.rita.req('GET', built.body.site.download)).status, 403);
      const list = await as.olga.json('GET', `/api/cases/${caseId}/publications`);
      assert.deepEqual([list.body.publications.length, list.body.sites.length], [1, 1]);

      const un = await as.cora.json('DELETE', `/api/incidents/${id}/publication`);
      assert.deepEqual([un.status, un.body.publication], [200, null]);
      const empty = await as.cora.json('POST', `/api/cases/${caseId}/sites`);
      assert.equal(empty.status, 400);
      assert.match(empty.body.error.message, /nothing to publish/);
      // An incident may be published without a video.
      assert.equal((await as.cora.json('PUT', `/api/incidents/${id}/publication`, { ...mark, redactionIds: [] })).status, 200);
      const textOnly = await buildNow();
      assert.deepEqual([textOnly.state, textOnly.incidents, textOnly.videos], ['done', 1, 0]);

      // One video shown with two incidents: one statement, which both pages name.
      const inc2 = (await as.ana.json('POST', `/api/cases/${caseId}/incidents`, { title: 'Second', timeSource: 'manual', description: 'x' })).body.incident.id;
      await as.ana.json('POST', `/api/incidents/${inc2}/segments`, { itemId: items[0]!.id, startSec: 0, endSec: 1 });
      await as.ana.json('POST', `/api/incidents/${inc2}/review`, { action: 'submit' });
      await as.rita.json('POST', `/api/incidents/${inc2}/review`, { action: 'verify', checklist: done, confidence: 'medium' });
      for (const i of [id, inc2]) assert.equal((await as.cora.json('PUT', `/api/incidents/${i}/publication`, mark)).status, 200);
      const both = await buildNow();
      assert.deepEqual([both.state, both.incidents, both.videos], ['done', 2, 1]);
      const dir = (await s.vault.db.query<{ dir: string }>('SELECT dir FROM site_builds WHERE id = $1', [both.id])).rows[0]!.dir;
      const entry = JSON.parse(await readFile(join(dir, 'verification', put.sha256, 'ledger', 'entries.jsonl'), 'utf8'));
      for (const i of [id, inc2]) assert.ok((await readFile(join(dir, 'incidents', `${i}.html`), 'utf8')).includes(`entry #${entry.seq}`));
    });

    test('a build that cannot succeed (its redacted video is gone from the blob store) fails with the reason and leaves nothing', async () => {
      const blob = s.vault.blobs.localPath(clipSha);
      const before = await published();
      await rename(blob, `${blob}.aside`);
      let failed;
      try {
        failed = await buildNow();
      } finally {
        await rename(`${blob}.aside`, blob);
      }
      assert.equal(failed.state, 'failed');
      assert.match(failed.error, new RegExp(`redaction ${redactionId} \\(incident ${incidentId}\\): the stored blob ${clipSha} is missing`));
      assert.deepEqual([failed.attempts, failed.download, failed.ledgerSeq, failed.zipBytes], [1, null, null, null], 'failed for good: a missing blob stays missing');
      const dir = (await s.vault.db.query<{ dir: string }>('SELECT dir FROM site_builds WHERE id = $1', [failed.id])).rows[0]!.dir;
      assert.deepEqual([existsSync(dir), existsSync(`${dir}.zip`)], [false, false], 'no folder, no zip');
      assert.deepEqual(await leftovers(), []);
      assert.equal(await published(), before, 'no site-published entry');
      assert.equal((await as.cora.req('GET', `/api/cases/${caseId}/sites/${failed.id}/zip`)).status, 404);
      const list = (await as.olga.json('GET', `/api/cases/${caseId}/publications`)).body.sites;
      assert.deepEqual([list[0].id, list[0].state, list[0].error], [failed.id, 'failed', failed.error], 'the failure is shown in the list');
      // Asking again (the blob is back) is a new build, which succeeds.
      const again = await buildNow();
      assert.notEqual(again.id, failed.id);
      assert.equal(again.state, 'done', again.error);
      assert.equal(await published(), before + 1);
    });

    test('a worker that dies mid-build loses its lease; the next worker builds it, the lost attempt counted', async () => {
      // Two coordinators at the same moment: one build.
      const [q, q2] = await Promise.all([as.cora.json('POST', `/api/cases/${caseId}/sites`), as.admin.json('POST', `/api/cases/${caseId}/sites`)]);
      assert.deepEqual([q.status, q2.status, q2.body.site.id], [202, 202, q.body.site.id]);
      assert.deepEqual([q.body.created, q2.body.created].sort(), [false, true]);
      // A worker claims the job with a short lease and hangs in the poster (then is killed -9): no heartbeat, no finish.
      const queue = new PgJobQueue(s.vault.db);
      const claimed = await queue.claim('dead-host/999', ['site-build'], 300);
      assert.ok(claimed);
      let stuck!: () => void;
      const hanging = new Promise<void>((r) => (stuck = r));
      const handler = siteBuildHandlers(s.vault, tools, 'worker dead-host/999', () => hanging)['site-build']!;
      const killed = new AbortController();
      const dying = handler(claimed, { signal: killed.signal, heartbeat: async () => {} });
      let mid = await site(q.body.site.id);
      // Until it hangs in the poster: its temporary folder exists.
      for (let i = 0; i < 400 && !(mid.state === 'running' && mid.progress?.phase === 'videos' && (await leftovers()).length === 1); i++) {
        await pause(10);
        mid = await site(q.body.site.id);
      }
      assert.deepEqual([mid.state, mid.progress, mid.attempts], ['running', { phase: 'videos', done: 0, total: 2 }, 1]);
      assert.equal((await leftovers()).length, 1, 'the dying worker\'s temporary folder');
      await pause(400); // its lease runs out
      assert.equal((await runBuilds()).succeeded, 1);
      const done = await site(q.body.site.id);
      assert.equal(done.state, 'done', done.error);
      assert.equal(done.attempts, 2, 'the lease expiry counted as an attempt');
      assert.match(done.lastError ?? '', /dead-host\/999/);
      assert.deepEqual(await leftovers(), [], 'the dead attempt\'s folder was cleared');
      const entry = JSON.parse((await s.vault.db.query<{ entry: string }>('SELECT entry FROM ledger_entries WHERE seq = $1', [done.ledgerSeq])).rows[0]!.entry);
      assert.deepEqual([entry.action, entry.actor, entry.details.attempt, entry.details.build], ['site-published', `user:${done.builtBy}`, 2, done.id]);
      // The dead worker wakes up: whatever it would write is refused (the job is no longer its own).
      killed.abort();
      stuck();
      await dying.then(
        async (outcome) => await assert.rejects(queue.complete(claimed, 'dead-host/999', outcome), { name: 'LeaseLostError' }),
        () => undefined,
      );
      assert.equal((await site(q.body.site.id)).ledgerSeq, done.ledgerSeq);
      assert.deepEqual(await leftovers(), []);
    });
  });
}
