import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DB_KINDS } from '@custodia/store/testing';
import { startTestServer, type TestClient, type TestServer } from '../testing/test-server.js';
import { seedCase } from '../testing/evidence-seed.js';

const BUILD_VERIFIER = fileURLToPath(new URL('../../../../scripts/build-verifier.mjs', import.meta.url));
const done = { source: { done: true, note: 'ok' }, technical: { done: true, note: 'ok' }, content: { done: true, note: 'ok' } };
const INTERNAL = 'INTERNAL-DESCRIPTION-Sparrow';

for (const kind of DB_KINDS) {
  describe(`publication API over HTTP (${kind})`, () => {
    let s: TestServer;
    let tmp: string;
    const as: Record<'admin' | 'ana' | 'rita' | 'olga' | 'cora', TestClient> = {} as never;
    let caseId: number;
    let items: { id: number; sha256: string }[];

    before(async () => {
      execFileSync(process.execPath, [BUILD_VERIFIER], { stdio: ['ignore', 'ignore', 'pipe'] });
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
      const users = (await s.vault.db.query<{ id: number; username: string }>('SELECT id, username FROM users')).rows;
      const uid = (n: string) => Number(users.find((u) => u.username === n)!.id);
      const redactionId = await s.vault.db.transaction(async (tx) => {
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
      const built = await as.cora.json('POST', `/api/cases/${caseId}/sites`);
      assert.equal(built.status, 201, JSON.stringify(built.body));
      assert.deepEqual([built.body.site.incidents, built.body.site.videos, built.body.site.builtBy], [1, 1, 'cora']);
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
      const textOnly = await as.cora.json('POST', `/api/cases/${caseId}/sites`);
      assert.equal(textOnly.status, 201, JSON.stringify(textOnly.body));
      assert.deepEqual([textOnly.body.site.incidents, textOnly.body.site.videos], [1, 0]);

      // One video shown with two incidents: one statement, which both pages name.
      const inc2 = (await as.ana.json('POST', `/api/cases/${caseId}/incidents`, { title: 'Second', timeSource: 'manual', description: 'x' })).body.incident.id;
      await as.ana.json('POST', `/api/incidents/${inc2}/segments`, { itemId: items[0]!.id, startSec: 0, endSec: 1 });
      await as.ana.json('POST', `/api/incidents/${inc2}/review`, { action: 'submit' });
      await as.rita.json('POST', `/api/incidents/${inc2}/review`, { action: 'verify', checklist: done, confidence: 'medium' });
      for (const i of [id, inc2]) assert.equal((await as.cora.json('PUT', `/api/incidents/${i}/publication`, mark)).status, 200);
      const both = await as.cora.json('POST', `/api/cases/${caseId}/sites`);
      assert.deepEqual([both.status, both.body.site.incidents, both.body.site.videos], [201, 2, 1]);
      const dir = (await s.vault.db.query<{ dir: string }>('SELECT dir FROM site_builds WHERE id = $1', [both.body.site.id])).rows[0]!.dir;
      const entry = JSON.parse(await readFile(join(dir, 'verification', put.sha256, 'ledger', 'entries.jsonl'), 'utf8'));
      for (const i of [id, inc2]) assert.ok((await readFile(join(dir, 'incidents', `${i}.html`), 'utf8')).includes(`entry #${entry.seq}`));
    });
  });
}
