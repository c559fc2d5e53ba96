// The redaction API end to end on a drawn clip (ffmpeg lavfi: a moving square, a tone): suggestions
// from stored face boxes, create, render with real ffmpeg, stream the output, second-person approval,
// edit after approval resetting it, a failed render, and the ledger entries.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECIPE_FORMAT } from '@custodia/core';
import { decodeEntry } from '@custodia/ledger';
import { locateMediaTools, probe, type MediaTools } from '@custodia/media';
import { makeRedactionClip, REDACTION_CLIP as C, squareAt } from '@custodia/media/testing';
import { createRedactionJobs } from '@custodia/pipeline';
import { PgJobQueue, Worker } from '@custodia/store';
import { DB_KINDS } from '@custodia/store/testing';
import { startTestServer, type TestClient, type TestServer } from '../testing/test-server.js';
import { seedCase } from '../testing/evidence-seed.js';

let tools: MediaTools;
let clip: Buffer;
let dir: string;

before(async () => {
  tools = await locateMediaTools();
  dir = await mkdtemp(join(tmpdir(), 'custodia-redaction-http-'));
  clip = await readFile(await makeRedactionClip(tools, dir));
});
after(() => rm(dir, { recursive: true, force: true }));

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

for (const kind of DB_KINDS) {
  describe(`redaction API (${kind})`, () => {
    let s: TestServer;
    const as: Record<'admin' | 'ana' | 'rita' | 'rob' | 'olga', TestClient> = {} as never;
    let caseId: number;
    let item: { id: number; sha256: string };

    before(async () => {
      s = await startTestServer(kind);
      const a = await s.addUser({ username: 'admin', isAdmin: true, totp: true });
      as.admin = s.client();
      await as.admin.signIn('admin', { totpSecret: a.totpSecret });
      caseId = (await as.admin.json('POST', '/api/cases', { name: 'ИК-7' })).body.case.id;
      item = (await seedCase(s.vault, 'ИК-7', [{ path: '/seed/cam1/2024-03-15.mp4', bytes: clip }])).items[0]!;
      const facts = await probe(tools, s.vault.blobs.localPath(item.sha256));
      const boxes = [0, 1, 2, 3].map((t) => { const p = squareAt(t); return { tSec: t, x: p.x / C.width, y: p.y / C.height, w: C.square / C.width, h: C.square / C.height, score: 0.9 }; });
      await s.vault.db.transaction(async (tx) => {
        await s.vault.media.recordProbe(tx, { sha256: item.sha256, tool: tools.version, status: 'ok', failureKind: null, failureMessage: null, facts: facts as unknown as Record<string, unknown> }, 'test-worker');
        await s.vault.faces.recordFaces(tx, { sha256: item.sha256, tool: tools.version, model: 'test boxes', sampleFps: 1, frames: 4, framesWithFaces: 4, maxFaces: 1, boxes }, 'test-worker');
        // A burned-in clock read at the top left (pixels of the 320×240 frame the overlay step sampled).
        await s.vault.overlay.recordOverlay(tx, {
          sha256: item.sha256, tool: 'test ocr', decoder: tools.version, startTime: null, cameraLabel: null, confidence: 0.9, flags: [],
          readings: [{ atSec: 0, kind: 'clock', text: '2024-03-15 14:22:01', time: null, confidence: 0.9, region: { x: 16, y: 12, w: 160, h: 24 } }],
        }, 'test-worker');
      });
      for (const [name, role] of [['ana', 'analyst'], ['rita', 'reviewer'], ['rob', 'reviewer'], ['olga', 'observer']] as const) {
        const u = await s.addUser({ username: name });
        assert.equal((await as.admin.json('PUT', `/api/cases/${caseId}/members/${u.user.id}`, { role, grants: [] })).status, 200);
        as[name] = s.client();
        await as[name].signIn(name);
      }
    });
    after(() => s?.close());

    /** What `custodia serve`/`custodia worker` do: run the queued redaction renders. */
    const runRenders = async (opts: { leaseMs?: number } = {}) =>
      new Worker({ queue: new PgJobQueue(s.vault.db), handlers: createRedactionJobs({ vault: s.vault, tools, actor: 'worker test/1' }), workerId: 'test/1', pollMs: 20, ...opts }).runUntilIdle();
    const get = async (id: number) => (await as.olga.json('GET', `/api/redactions/${id}`)).body.redaction;

    const ledgerEntry = async (seq: number) => {
      const r = await s.vault.db.query<{ entry: string }>('SELECT entry FROM ledger_entries WHERE seq = $1', [seq]);
      return decodeEntry(Buffer.from(r.rows[0]!.entry, 'utf8')) as { action: string; actor: string; subjects: string[]; details: Record<string, unknown> };
    };

    test('suggest, create, render, stream; a second reviewer approves; an edit resets the approval', async () => {
      const sug = await as.ana.json('GET', `/api/items/${item.id}/redaction-suggestions`);
      assert.equal(sug.status, 200, JSON.stringify(sug.body));
      assert.equal(sug.body.detections, 4);
      assert.equal(sug.body.boxes.length, 1, 'the four boxes of one moving square make one track');
      const [face] = sug.body.boxes;
      assert.equal(face.keyframes[0].t, 0);
      assert.equal(face.keyframes.at(-1).t, 3.5);
      assert.deepEqual(sug.body.overlayRegions, [{ x: 16 / C.width, y: 12 / C.height, w: 160 / C.width, h: 24 / C.height }]);

      const recipe = { format: RECIPE_FORMAT, boxes: [{ ...face, effect: 'fill' }], audio: { mute: [{ start: 1, end: 2 }] } };
      assert.equal((await as.olga.json('POST', `/api/items/${item.id}/redactions`, { recipe })).status, 403, 'observers do not redact');
      const bad = await as.ana.json('POST', `/api/items/${item.id}/redactions`, { recipe: { ...recipe, boxes: [{ ...face, keyframes: [{ t: 1, x: 2, y: 0, w: 0.1, h: 0.1 }, face.keyframes[0]] }] } });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.where, /^body\.recipe\.boxes\.0\.keyframes\.0\.x/);
      const created = await as.ana.json('POST', `/api/items/${item.id}/redactions`, { title: 'Publication cut', recipe });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const r1 = created.body.redaction;
      assert.equal(r1.status, 'draft');
      assert.equal(r1.version, 1);
      assert.equal(r1.sourceSha256, item.sha256);
      assert.equal(r1.recipe.keepOverlay, true);
      assert.match(r1.recipeSha256, /^[0-9a-f]{64}$/);

      assert.equal((await as.olga.json('POST', `/api/redactions/${r1.id}/render`, {})).status, 403);
      const queued = await as.rob.json('POST', `/api/redactions/${r1.id}/render`, {});
      assert.equal(queued.status, 202, JSON.stringify(queued.body));
      assert.equal(queued.body.redaction.status, 'queued');
      assert.equal(queued.body.redaction.renderJob.state, 'queued');
      assert.equal(queued.body.redaction.can.render, false);
      assert.equal(queued.body.redaction.can.edit, true, 'a queued version can still be edited');
      const twice = await as.rob.json('POST', `/api/redactions/${r1.id}/render`, {});
      assert.equal(twice.status, 202);
      assert.equal(twice.body.redaction.renderJob.jobId, queued.body.redaction.renderJob.jobId, 'asking again changes nothing');
      assert.equal((await runRenders()).succeeded, 1);
      const r2 = await get(r1.id);
      assert.equal(r2.status, 'rendered', r2.failure);
      assert.deepEqual([r2.renderJob.state, r2.renderJob.attempts, r2.renderJob.progress], ['done', 1, 1]);
      assert.match(r2.outputSha256, /^[0-9a-f]{64}$/);
      assert.notEqual(r2.outputSha256, item.sha256);
      assert.equal(r2.renderedBy, 'rob');
      assert.equal(r2.outputFacts.keptRegions, 1, 'the burned-in clock is put back over the boxes');
      assert.equal(sha256(await readFile(s.vault.blobs.localPath(item.sha256))), item.sha256, 'the original is unchanged');

      const entry = await ledgerEntry(r2.renderLedgerSeq);
      assert.equal(entry.action, 'redaction-rendered');
      assert.equal(entry.actor, 'user:rob');
      assert.deepEqual(entry.subjects, [item.sha256, r2.outputSha256]);
      assert.equal(entry.details.source, item.sha256);
      assert.equal(entry.details.output, r2.outputSha256);
      assert.equal(entry.details.recipeSha256, r1.recipeSha256);
      assert.equal(entry.details.tool, tools.version);
      assert.equal(entry.details.user, 'rob');
      assert.equal(entry.details.case, caseId);

      const whole = await as.olga.req('GET', `/api/redactions/${r1.id}/output`);
      assert.equal(whole.status, 200);
      assert.equal(whole.headers.get('content-type'), 'video/mp4');
      assert.equal(sha256(Buffer.from(await whole.arrayBuffer())), r2.outputSha256);
      const part = await as.olga.req('GET', `/api/redactions/${r1.id}/output`, undefined, { range: 'bytes=0-99' });
      assert.equal(part.status, 206);
      assert.equal((await part.arrayBuffer()).byteLength, 100);
      const outsider = s.client();
      await s.addUser({ username: 'stranger' });
      await outsider.signIn('stranger');
      assert.equal((await outsider.req('GET', `/api/redactions/${r1.id}/output`)).status, 404, 'non-members learn nothing');

      const own = await as.ana.json('POST', `/api/redactions/${r1.id}/approve`, {});
      assert.equal(own.status, 403);
      assert.match(own.body.error.message, /only a reviewer/);
      const byRenderer = await as.rob.json('POST', `/api/redactions/${r1.id}/approve`, {});
      assert.equal(byRenderer.status, 403);
      assert.match(byRenderer.body.error.message, /you rendered this redaction/);
      assert.equal((await as.rita.json('GET', `/api/redactions/${r1.id}`)).body.redaction.can.review, true);
      const approved = await as.rita.json('POST', `/api/redactions/${r1.id}/approve`, { note: 'faces covered throughout' });
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.equal(approved.body.redaction.status, 'approved');
      assert.equal(approved.body.redaction.reviewedBy, 'rita');
      const pub = await as.olga.json('GET', `/api/cases/${caseId}/redactions?publishable=true`);
      assert.deepEqual(pub.body.redactions.map((x: { id: number; outputSha256: string; renderLedgerSeq: number }) => [x.id, x.outputSha256, x.renderLedgerSeq]), [[r1.id, r2.outputSha256, r2.renderLedgerSeq]]);
      assert.equal((await as.rob.json('POST', `/api/redactions/${r1.id}/render`, {})).status, 409, 'an approved version is final');

      // The database refuses an approval by the creator whatever the code says.
      await assert.rejects(s.vault.db.query(`UPDATE redactions SET reviewed_by = created_by WHERE id = $1`, [r1.id]));

      const stale = await as.ana.json('PATCH', `/api/redactions/${r1.id}`, { version: 7, title: 'x' });
      assert.equal(stale.status, 409);
      const edited = await as.rita.json('PATCH', `/api/redactions/${r1.id}`, { version: 1, recipe: { ...recipe, keepOverlay: false } });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      const r3 = edited.body.redaction;
      assert.equal(r3.version, 2);
      assert.equal(r3.status, 'draft');
      assert.equal(r3.outputSha256, null);
      assert.equal(r3.reviewedBy, null);
      assert.equal(r3.renderLedgerSeq, null);
      assert.notEqual(r3.recipeSha256, r1.recipeSha256);
      assert.deepEqual((await as.olga.json('GET', `/api/cases/${caseId}/redactions?publishable=true`)).body.redactions, []);
      assert.equal((await as.ana.json('POST', `/api/redactions/${r1.id}/render`, { version: 2 })).body.redaction.status, 'queued');
      await runRenders();
      const again = await get(r1.id);
      assert.equal(again.status, 'rendered');
      assert.equal(again.outputFacts.keptRegions, 0, 'keepOverlay off: nothing put back');
      const byEditor = await as.rita.json('POST', `/api/redactions/${r1.id}/approve`, {});
      assert.equal(byEditor.status, 403);
      assert.match(byEditor.body.error.message, /you wrote this redaction's recipe/);
      const rejected = await as.rob.json('POST', `/api/redactions/${r1.id}/reject`, { note: 'the clock is covered' });
      assert.equal(rejected.body.redaction.status, 'rejected');

      const versions = await s.vault.db.query<{ version: number; recipe_sha256: string }>('SELECT version, recipe_sha256 FROM redaction_versions WHERE redaction_id = $1 ORDER BY version', [r1.id]);
      assert.deepEqual(versions.rows.map((v) => [v.version, v.recipe_sha256]), [[1, r1.recipeSha256], [2, r3.recipeSha256]]);
      const actions = await s.vault.db.query<{ action: string }>(`SELECT action FROM ledger_refs WHERE case_id = $1 AND action LIKE 'redaction-%' ORDER BY seq`, [caseId]);
      assert.deepEqual(actions.rows.map((x) => x.action), ['redaction-created', 'redaction-rendered', 'redaction-approved', 'redaction-edited', 'redaction-rendered', 'redaction-rejected']);
    });

    test('the OpenAPI document describes the redaction routes and the recipe', async () => {
      const doc = await as.olga.json('GET', '/api/openapi.json');
      assert.equal(doc.status, 200);
      for (const [path, method] of [['/api/items/{itemId}/redactions', 'post'], ['/api/redactions/{redactionId}/render', 'post'], ['/api/redactions/{redactionId}/approve', 'post'], ['/api/redactions/{redactionId}/output', 'get'], ['/api/cases/{caseId}/redactions', 'get']] as const) {
        assert.ok(doc.body.paths[path]?.[method], `${method} ${path}`);
      }
      const recipe = doc.body.paths['/api/items/{itemId}/redactions'].post.requestBody.content['application/json'].schema.properties.recipe;
      assert.ok(JSON.stringify(recipe).includes('custodia-redaction/1'));
    });

    test('a render that cannot succeed leaves the redaction failed with the reason, and nothing recorded', async () => {
      const recipe = { format: RECIPE_FORMAT, boxes: [], clip: { start: 60, end: 70 } };
      const created = await as.ana.json('POST', `/api/items/${item.id}/redactions`, { recipe });
      const blobsBefore = (await s.vault.db.query<{ n: number }>('SELECT count(*)::int AS n FROM blobs')).rows[0]!.n;
      assert.equal((await as.ana.json('POST', `/api/redactions/${created.body.redaction.id}/render`, {})).status, 202);
      assert.equal((await runRenders()).failed, 1);
      const r = { body: { redaction: await get(created.body.redaction.id) } };
      assert.equal(r.body.redaction.status, 'failed');
      assert.match(r.body.redaction.failure, /clip starts at 60 s, after the end of the video/);
      assert.equal(r.body.redaction.outputSha256, null);
      assert.equal(r.body.redaction.renderJob.state, 'failed', 'failed for good: no retries of a render that cannot succeed');
      assert.equal(r.body.redaction.renderJob.attempts, 1);
      const failedEntry = await s.vault.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_refs WHERE case_id = $1 AND action = 'redaction-render-failed'`, [caseId]);
      assert.equal(failedEntry.rows[0]!.n, 1);
      assert.equal((await s.vault.db.query<{ n: number }>('SELECT count(*)::int AS n FROM blobs')).rows[0]!.n, blobsBefore);
      assert.equal((await as.rita.json('POST', `/api/redactions/${created.body.redaction.id}/approve`, {})).status, 409);
      assert.equal((await as.olga.req('GET', `/api/redactions/${created.body.redaction.id}/output`)).status, 404);
      // Asking again re-queues the failed job (attempts reset); it fails again the same way.
      const retried = await as.ana.json('POST', `/api/redactions/${created.body.redaction.id}/render`, {});
      assert.equal(retried.body.redaction.status, 'queued');
      assert.equal(retried.body.redaction.renderJob.attempts, 0);
      await runRenders();
      assert.equal((await get(created.body.redaction.id)).status, 'failed');
      const list = await as.olga.json('GET', `/api/items/${item.id}/redactions`);
      assert.deepEqual(list.body.redactions.map((x: { status: string }) => x.status), ['rejected', 'failed']);
    });

    test('editing a queued version: the render that was queued is not recorded for the new version', async () => {
      const recipe = { format: RECIPE_FORMAT, boxes: [{ id: 'wall', effect: 'fill', keyframes: [{ t: 0, x: 0.5, y: 0.5, w: 0.2, h: 0.2 }, { t: 1, x: 0.5, y: 0.5, w: 0.2, h: 0.2 }] }] };
      const created = (await as.ana.json('POST', `/api/items/${item.id}/redactions`, { recipe })).body.redaction;
      const queued = (await as.ana.json('POST', `/api/redactions/${created.id}/render`, {})).body.redaction;
      assert.equal(queued.status, 'queued');
      const edited = await as.ana.json('PATCH', `/api/redactions/${created.id}`, { version: 1, title: 'renamed' });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.deepEqual([edited.body.redaction.status, edited.body.redaction.version, edited.body.redaction.renderJob], ['draft', 2, null]);
      assert.equal((await runRenders()).succeeded, 1, 'the job still runs (its output may serve another request)');
      const after = await get(created.id);
      assert.deepEqual([after.status, after.outputSha256, after.renderLedgerSeq], ['draft', null, null]);
      // Version 2 has the same recipe: its render reuses the stored output at once.
      const v2 = (await as.ana.json('POST', `/api/redactions/${created.id}/render`, { version: 2 })).body.redaction;
      assert.equal(v2.status, 'rendered');
      assert.equal(v2.renderJob.jobId, queued.renderJob.jobId);
      const entry = await ledgerEntry(v2.renderLedgerSeq);
      assert.deepEqual([entry.details.version, entry.details.reused], [2, true]);
    });

    test('a worker that dies mid-render loses its lease; the next worker renders the job and it can be approved', async () => {
      const recipe = { format: RECIPE_FORMAT, boxes: [{ id: 'guard', effect: 'pixelate', keyframes: [{ t: 0, x: 0.1, y: 0.3, w: 0.3, h: 0.3 }, { t: 4, x: 0.6, y: 0.3, w: 0.3, h: 0.3 }] }] };
      const created = (await as.ana.json('POST', `/api/items/${item.id}/redactions`, { recipe })).body.redaction;
      assert.equal((await as.ana.json('POST', `/api/redactions/${created.id}/render`, {})).status, 202);
      // A worker claims the job with a short lease, starts rendering and is killed (-9): it never heartbeats nor finishes.
      const queue = new PgJobQueue(s.vault.db);
      const claimed = await queue.claim('dead-host/999', ['redaction-render'], 300);
      assert.ok(claimed);
      const handler = createRedactionJobs({ vault: s.vault, tools, actor: 'worker dead-host/999' })['redaction-render'];
      const killed = new AbortController();
      const dying = handler(claimed, { signal: killed.signal, heartbeat: async () => {} });
      for (let i = 0; i < 400 && (await get(created.id)).status !== 'rendering'; i++) await new Promise((r) => setTimeout(r, 10));
      const mid = await get(created.id);
      assert.equal(mid.status, 'rendering');
      assert.deepEqual([mid.renderJob.state, mid.renderJob.attempts], ['running', 1]);
      killed.abort(); // ffmpeg is killed with it; what the dead worker would have written is never written
      await assert.rejects(dying);
      assert.equal((await get(created.id)).status, 'rendering', 'nothing recorded by the dead worker');
      await new Promise((r) => setTimeout(r, 400)); // its lease runs out
      const sum = await runRenders();
      assert.equal(sum.succeeded, 1);
      const done = await get(created.id);
      assert.equal(done.status, 'rendered', done.failure);
      assert.equal(done.renderJob.attempts, 2, 'the lease expiry counted as an attempt');
      assert.match(done.renderJob.lastError ?? '', /dead-host\/999/);
      const entry = await ledgerEntry(done.renderLedgerSeq);
      assert.equal(entry.actor, 'user:ana');
      assert.equal(entry.details.attempt, 2);
      assert.equal((await as.rob.json('POST', `/api/redactions/${created.id}/approve`, { note: 'ok' })).body.redaction.status, 'approved');

      // The same recipe in a new redaction of the same item: the stored render is reused, no job runs.
      const twin = (await as.ana.json('POST', `/api/items/${item.id}/redactions`, { recipe })).body.redaction;
      const reused = await as.rob.json('POST', `/api/redactions/${twin.id}/render`, {});
      assert.equal(reused.body.redaction.status, 'rendered');
      assert.equal(reused.body.redaction.outputSha256, done.outputSha256);
      assert.equal(reused.body.redaction.renderJob.jobId, done.renderJob.jobId);
      assert.equal((await ledgerEntry(reused.body.redaction.renderLedgerSeq)).details.reused, true);
    });
  });
}
