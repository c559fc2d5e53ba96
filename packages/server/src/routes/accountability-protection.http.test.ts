import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_KINDS } from '@custodia/store/testing';
import { startTestServer, type TestClient, type TestServer } from '../testing/test-server.js';
import { seedCase } from '../testing/evidence-seed.js';
import { publicSiteContent, selectForExport } from '@custodia/store';
import { locateMediaTools } from '@custodia/media';
import { siteBuildWorker } from '../testing/site-build-worker.js';

// A captured copy cited about the source's own legal exposure is a protected item (ADR 0021): for a
// member without the source-identity grant (an instance administrator included) it is exactly as
// absent as an id nobody holds, on every read path.
const COPY = '<html><body><p>The court ordered the arrest in absentia of the whistleblower Quillfeather.</p></body></html>';
const NEWS = '<html><body><p>Two guards were dismissed.</p></body></html>';

for (const kind of DB_KINDS) {
  describe(`protected captured copies over HTTP (${kind})`, () => {
    let s: TestServer;
    const as: Record<'admin' | 'ana' | 'olga' | 'sara', TestClient> = {} as never;
    let caseId: number;
    let copy: { id: number; sha256: string; proxy?: string };
    let news: { id: number; sha256: string; proxy?: string };
    let personId: number;
    let sourceId: number;

    before(async () => {
      s = await startTestServer(kind);
      const a = await s.addUser({ username: 'admin', isAdmin: true, totp: true });
      as.admin = s.client();
      await as.admin.signIn('admin', { totpSecret: a.totpSecret });
      caseId = (await as.admin.json('POST', '/api/cases', { name: 'Perm' })).body.case.id;
      [copy, news] = (
        await seedCase(s.vault, 'Perm', [
          { path: '/seed/quillfeather-warrant.html', bytes: Buffer.from(COPY), kind: 'video', proxy: Buffer.from('warrant proxy'), durationSec: 30 },
          { path: '/seed/guards-dismissed.html', bytes: Buffer.from(NEWS), kind: 'video', proxy: Buffer.from('news proxy'), durationSec: 30 },
        ])
      ).items as [typeof copy, typeof news];
      for (const [name, role, grants] of [['ana', 'analyst', []], ['olga', 'observer', []], ['sara', 'analyst', ['source-identity']]] as const) {
        const u = await s.addUser({ username: name });
        assert.equal((await as.admin.json('PUT', `/api/cases/${caseId}/members/${u.user.id}`, { role, grants })).status, 200);
        as[name] = s.client();
        await as[name].signIn(name);
      }
      // sara records the source, their exposure, and cites the copy about it.
      personId = (await as.sara.json('POST', `/api/cases/${caseId}/persons`, { role: 'other', pseudonym: 'Quillfeather', isSource: true })).body.person.id;
      const x = await as.sara.json('POST', `/api/cases/${caseId}/proceedings`, { type: 'arrest-in-absentia', title: 'Arrest in absentia', subjectIds: [personId], sourceExposure: true });
      const withEvent = await as.sara.json('POST', `/api/proceedings/${x.body.proceeding.proceeding.id}/events`, { on: '2023-02', status: 'opened', summary: 'Warrant issued' });
      const src = await as.sara.json('POST', `/api/cases/${caseId}/sources`, { kind: 'document', title: 'Court order', itemId: copy.id });
      assert.equal(src.status, 201, JSON.stringify(src.body));
      sourceId = src.body.source.id;
      const claim = await as.sara.json('POST', `/api/proceeding-events/${withEvent.body.proceeding.events[0].id}/claims`, { sourceId, quote: 'arrest in absentia', confidence: 'high' });
      assert.equal(claim.status, 201, JSON.stringify(claim.body));
    });
    after(() => s?.close());

    test('members without the grant: the copy is absent from items, search, item view, blobs, annotations, dashboard, sources', async () => {
      for (const who of [as.olga, as.ana, as.admin]) {
        const list = await who.json('GET', `/api/cases/${caseId}/items`);
        assert.deepEqual(list.body.items.map((i: { id: number }) => i.id), [news.id]);
        assert.equal(list.body.total, 1);
        assert.deepEqual(list.body.facets.kind, { video: 1 });
        assert.deepEqual((await who.json('GET', `/api/cases/${caseId}/items?q=quillfeather`)).body.items, []);
        const missing = await who.json('GET', '/api/items/999999');
        const item = await who.json('GET', `/api/items/${copy.id}`);
        assert.equal(item.status, 404);
        assert.equal(item.body.error.code, missing.body.error.code);
        assert.equal(item.body.error.message, `no item ${copy.id}`);
        assert.equal((await who.req('GET', `/api/blobs/${copy.proxy}`)).status, 404);
        assert.equal((await who.req('GET', `/api/blobs/${news.proxy}`)).status, 200);
        assert.equal((await who.json('GET', `/api/items/${copy.id}/annotations`)).status, 404);
        assert.equal((await who.json('GET', `/api/items/${copy.id}/redactions`)).status, 404);
        assert.equal((await who.json('GET', `/api/items/${copy.id}/time`)).status, 404);
        const dash = await who.json('GET', `/api/cases/${caseId}`);
        assert.equal(dash.body.counts.items, 1);
        assert.deepEqual((await who.json('GET', `/api/cases/${caseId}/sources`)).body.sources, []);
        assert.equal((await who.req('GET', `/api/sources/${sourceId}/captured-copy`)).status, 404);
        const ledger = JSON.stringify((await who.json('GET', `/api/cases/${caseId}/ledger?limit=500`)).body);
        assert.ok(!ledger.includes(copy.sha256) && !/quillfeather/i.test(ledger), ledger);
        assert.ok(ledger.includes(news.sha256));
      }
      assert.ok(JSON.stringify((await as.sara.json('GET', `/api/cases/${caseId}/ledger?limit=500`)).body).includes(copy.sha256));
      // Writes naming it are refused like for an unknown id.
      assert.equal((await as.ana.json('POST', `/api/items/${copy.id}/annotations`, { startSec: 0, endSec: 1, note: 'x' })).status, 404);
      const inc = await as.ana.json('POST', `/api/cases/${caseId}/incidents`, { title: 'Corridor', timeSource: 'overlay', description: 'x' });
      const seg = await as.ana.json('POST', `/api/incidents/${inc.body.incident.id}/segments`, { itemId: copy.id, startSec: 0, endSec: 1 });
      const segMissing = await as.ana.json('POST', `/api/incidents/${inc.body.incident.id}/segments`, { itemId: 999999, startSec: 0, endSec: 1 });
      assert.equal(seg.status, 400);
      assert.equal(seg.body.error.message, `no item ${copy.id} in this case`);
      assert.equal(segMissing.body.error.message, 'no item 999999 in this case');
      assert.equal((await as.ana.json('POST', `/api/cases/${caseId}/sources`, { kind: 'document', title: 'Mine', itemId: copy.id })).body.error.message, `no item ${copy.id} in this case`);
    });

    test('a source person\'s id is refused like an unknown one in incidents and annotations', async () => {
      const unknown = await as.ana.json('POST', `/api/cases/${caseId}/incidents`, { title: 'A', timeSource: 'overlay', description: 'x', victimIds: [999999] });
      const hidden = await as.ana.json('POST', `/api/cases/${caseId}/incidents`, { title: 'A', timeSource: 'overlay', description: 'x', victimIds: [personId] });
      assert.equal(unknown.status, 400);
      assert.equal(hidden.status, 400);
      assert.equal(hidden.body.error.where, unknown.body.error.where);
      assert.equal(hidden.body.error.message, `no person ${personId} in this case`);
      const ann = await as.ana.json('POST', `/api/items/${news.id}/annotations`, { startSec: 0, endSec: 1, personIds: [personId], note: 'x' });
      assert.equal(ann.status, 400);
      assert.equal(ann.body.error.message, `no person ${personId} in this case`);
      // With the grant it is a person like any other.
      assert.equal((await as.sara.json('POST', `/api/cases/${caseId}/incidents`, { title: 'A', timeSource: 'overlay', description: 'x', victimIds: [personId] })).status, 201);
      assert.equal((await as.sara.json('POST', `/api/items/${news.id}/annotations`, { startSec: 0, endSec: 1, personIds: [personId], note: 'x' })).status, 201);
    });

    test('the holder of the grant sees the copy everywhere', async () => {
      const list = await as.sara.json('GET', `/api/cases/${caseId}/items`);
      assert.deepEqual(list.body.items.map((i: { id: number }) => i.id).sort(), [copy.id, news.id].sort());
      assert.equal((await as.sara.json('GET', `/api/cases/${caseId}/items?q=quillfeather`)).body.items.length, 1);
      assert.equal((await as.sara.json('GET', `/api/items/${copy.id}`)).status, 200);
      assert.equal((await as.sara.req('GET', `/api/blobs/${copy.proxy}`)).status, 200);
      assert.equal((await as.sara.json('GET', `/api/cases/${caseId}`)).body.counts.items, 2);
      const sources = (await as.sara.json('GET', `/api/cases/${caseId}/sources`)).body.sources;
      assert.equal(sources[0].itemId, copy.id);
      assert.equal((await as.sara.req('GET', `/api/sources/${sourceId}/captured-copy`)).status, 200);
    });

    test('a copy cited about a visible record too: the source is listed, its copy is not', async () => {
      const fired = await as.sara.json('POST', `/api/cases/${caseId}/proceedings`, { type: 'dismissal', title: 'Guards dismissed' });
      const ev = await as.sara.json('POST', `/api/proceedings/${fired.body.proceeding.proceeding.id}/events`, { on: '2023', status: 'dismissed', summary: 'Dismissed' });
      assert.equal((await as.sara.json('POST', `/api/proceeding-events/${ev.body.proceeding.events[0].id}/claims`, { sourceId, quote: 'The court ordered', confidence: 'low' })).status, 201);
      const listed = (await as.olga.json('GET', `/api/cases/${caseId}/sources`)).body.sources;
      assert.deepEqual(listed.map((x: { id: number; itemId: number | null; sha256: string | null }) => [x.id, x.itemId, x.sha256]), [[sourceId, null, null]]);
      const detail = await as.olga.json('GET', `/api/proceedings/${fired.body.proceeding.proceeding.id}`);
      assert.equal(detail.body.proceeding.sources[0].itemId, null);
      assert.ok(!JSON.stringify(detail.body).includes(copy.sha256));
      assert.equal((await as.olga.req('GET', `/api/sources/${sourceId}/captured-copy`)).status, 404);
      const json = await (await as.olga.req('GET', `/api/cases/${caseId}/accountability/export?format=json`)).text();
      assert.ok(!json.includes(copy.sha256) && !json.includes('absentia'), json);
      // A claim by a member without the grant is not checked against a copy they cannot see.
      assert.equal((await as.ana.json('POST', `/api/proceeding-events/${ev.body.proceeding.events[0].id}/claims`, { sourceId, quote: 'not in the copy', confidence: 'low' })).status, 201);
      // Editing the source without naming a copy keeps the protected copy attached.
      const patched = await as.ana.json('PATCH', `/api/sources/${sourceId}`, { title: 'Court order (copy)', itemId: null });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal(patched.body.source.itemId, null);
      assert.equal((await as.sara.json('GET', `/api/cases/${caseId}/sources`)).body.sources[0].itemId, copy.id);
    });

    test('a captured copy uploaded from the browser: hashed, preserved as an item, bounded; protect=1 only with the grant', async () => {
      const upload = (who: TestClient, fields: Record<string, string>, file?: { name: string; bytes: Buffer }, fileFirst = false) => {
        const fd = new FormData();
        if (file && fileFirst) fd.set('file', new Blob([file.bytes]), file.name);
        for (const [k, v] of Object.entries(fields)) fd.set(k, v);
        if (file && !fileFirst) fd.set('file', new Blob([file.bytes]), file.name);
        return fetch(`${who.base}/api/cases/${caseId}/sources/upload`, { method: 'POST', body: fd, headers: { cookie: who.cookie!, 'x-csrf-token': who.csrf! } });
      };
      // The copy streams to a temporary file of its own (ADR 0031): none is left behind, refused or not.
      const { mkdtemp, readdir, rm } = await import('node:fs/promises');
      const { join } = await import('node:path');
      const tmp = await mkdtemp(join(process.env.TMPDIR ?? '/tmp', 'custodia-upload-test-'));
      const tmpWas = process.env.TMPDIR;
      process.env.TMPDIR = tmp;
      const page = Buffer.from('<html><body>Three officers were suspended on Monday.</body></html>');
      const ok = await upload(as.ana, { kind: 'web-page', title: 'Officers suspended', url: 'https://example.org/s', retrievedAt: '2026-11-30T10:00:00Z' }, { name: 'suspended.html', bytes: page });
      const body = (await ok.json()) as { source: { id: number; itemId: number; sha256: string; retrievedAt: string; url: string } };
      assert.equal(ok.status, 201, JSON.stringify(body));
      const { createHash } = await import('node:crypto');
      assert.equal(body.source.sha256, createHash('sha256').update(page).digest('hex'));
      assert.equal(body.source.retrievedAt, '2026-11-30T10:00:00.000Z');
      assert.equal((await as.olga.json('GET', `/api/items/${body.source.itemId}`)).body.item.sha256, body.source.sha256);
      assert.equal(await (await as.olga.req('GET', `/api/sources/${body.source.id}/captured-copy`)).text(), page.toString());
      // Clear refusals, nothing stored.
      const before = (await s.vault.db.query<{ n: number }>('SELECT count(*)::int AS n FROM items')).rows[0]!.n;
      const noFile = await upload(as.ana, { title: 'x' });
      assert.equal(noFile.status, 400);
      assert.equal(((await noFile.json()) as { error: { where: string } }).error.where, 'file');
      const noTitle = await upload(as.ana, { kind: 'web-page' }, { name: 'a.html', bytes: page });
      assert.equal(((await noTitle.json()) as { error: { where: string } }).error.where, 'title');
      const badUrl = await upload(as.ana, { title: 'x', url: 'ftp://x' }, { name: 'a.html', bytes: page });
      assert.equal(((await badUrl.json()) as { error: { where: string } }).error.where, 'url');
      const big = await upload(as.ana, { title: 'x' }, { name: 'big.bin', bytes: Buffer.alloc(64 * 1024 * 1024 + 1) });
      assert.equal(big.status, 400);
      assert.match(((await big.json()) as { error: { message: string } }).error.message, /larger than 64 MiB/);
      // Streamed without a Content-Length: cut off at the bound all the same.
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(ctl) {
          if (sent >= 70 * 1024 * 1024) ctl.close();
          else (ctl.enqueue(new Uint8Array(1 << 20)), (sent += 1 << 20));
        },
      });
      // The server answers 400 as soon as the bound is passed; the client, still sending, may see the
      // connection closed before it reads that answer. Either way nothing is stored (counted below).
      const chunked = await fetch(`${as.ana.base}/api/cases/${caseId}/sources/upload`, {
        method: 'POST', body: stream, duplex: 'half', headers: { cookie: as.ana.cookie!, 'x-csrf-token': as.ana.csrf!, 'content-type': 'multipart/form-data; boundary=x' },
      } as RequestInit).then(
        // The answer's body itself may be cut by the closing connection: then only its status is known.
        async (r) => ({ status: r.status, where: await r.json().then((b) => (b as { error: { where: string } }).error.where, () => 'file') }),
        (e: Error) => ({ status: 0, where: e.message }),
      );
      if (chunked.status !== 0) assert.deepEqual(chunked, { status: 400, where: 'file' });
      assert.equal((await upload(as.olga, { title: 'x' }, { name: 'a.html', bytes: page })).status, 403);
      assert.equal((await upload(as.ana, { title: 'x', protect: '1' }, { name: 'a.html', bytes: page })).status, 403);
      assert.equal((await s.vault.db.query<{ n: number }>('SELECT count(*)::int AS n FROM items')).rows[0]!.n, before);
      // sara protects her upload from the start: nobody without the grant sees it, not even its name in the ledger.
      const secret = await upload(as.sara, { kind: 'document', title: 'Quillfeather asylum papers', protect: '1' }, { name: 'quillfeather-asylum.pdf', bytes: Buffer.from('%PDF-1.4 asylum granted') });
      const sbody = (await secret.json()) as { source: { id: number; itemId: number } };
      assert.equal(secret.status, 201, JSON.stringify(sbody));
      assert.equal((await as.olga.json('GET', `/api/items/${sbody.source.itemId}`)).status, 404);
      assert.ok(!JSON.stringify((await as.olga.json('GET', `/api/cases/${caseId}/items`)).body).includes('asylum'));
      assert.ok(!JSON.stringify((await as.olga.json('GET', `/api/cases/${caseId}/ledger`)).body).includes('quillfeather-asylum'));
      assert.equal((await as.sara.json('GET', `/api/items/${sbody.source.itemId}`)).status, 200);
      // Protected in the very transaction that recorded the item and its index row (no moment in
      // which it was listed): the rows share the writing transaction's id.
      const xid = await s.vault.db.query<{ item: string; index: string; prot: string }>(
        'SELECT i.xmin::text AS item, x.xmin::text AS index, p.xmin::text AS prot FROM items i JOIN item_index x ON x.item_id = i.id JOIN protected_items p ON p.item_id = i.id WHERE i.id = $1',
        [sbody.source.itemId],
      );
      assert.deepEqual(xid.rows.map((r) => [r.index, r.prot]), [[xid.rows[0]!.item, xid.rows[0]!.item]]);
      // The file may come before the fields.
      const first = await upload(as.ana, { kind: 'document', title: 'Fields after the file' }, { name: 'after.txt', bytes: Buffer.from('file first') }, true);
      assert.equal(first.status, 201, JSON.stringify(await first.clone().json()));
      assert.equal(((await first.json()) as { source: { title: string } }).source.title, 'Fields after the file');
      assert.deepEqual(await readdir(tmp), []);
      if (tmpWas === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpWas;
      await rm(tmp, { recursive: true, force: true });
    });
  });
}

const done = { source: { done: true, note: 'ok' }, technical: { done: true, note: 'ok' }, content: { done: true, note: 'ok' } };

for (const kind of DB_KINDS) {
  describe(`a copy protected after it was cited and published (${kind})`, () => {
    let s: TestServer;
    const as: Record<'admin' | 'ana' | 'rita' | 'cora' | 'sara', TestClient> = {} as never;
    let caseId: number;
    let copy: { id: number; sha256: string };
    let news: { id: number; sha256: string };

    before(async () => {
      s = await startTestServer(kind);
      const a = await s.addUser({ username: 'admin', isAdmin: true, totp: true });
      as.admin = s.client();
      await as.admin.signIn('admin', { totpSecret: a.totpSecret });
      caseId = (await as.admin.json('POST', '/api/cases', { name: 'Perm' })).body.case.id;
      [copy, news] = (
        await seedCase(s.vault, 'Perm', [
          { path: '/seed/quillfeather-warrant.html', bytes: Buffer.from(COPY) },
          { path: '/seed/guards-dismissed.html', bytes: Buffer.from(NEWS) },
        ])
      ).items as [typeof copy, typeof news];
      for (const [name, role, grants] of [['ana', 'analyst', []], ['rita', 'reviewer', []], ['cora', 'coordinator', []], ['sara', 'analyst', ['source-identity']]] as const) {
        const u = await s.addUser({ username: name });
        assert.equal((await as.admin.json('PUT', `/api/cases/${caseId}/members/${u.user.id}`, { role, grants })).status, 200);
        as[name] = s.client();
        await as[name].signIn(name);
      }
    });
    after(() => s?.close());

    test('the court export leaves it out unless chosen, the public site never shows it, the incident view drops its segment', async () => {
      // Before anyone knew: an incident cites the copy, an approved redaction of it is marked public.
      const id = (await as.ana.json('POST', `/api/cases/${caseId}/incidents`, { title: 'Corridor', timeSource: 'overlay', description: 'x' })).body.incident.id;
      assert.equal((await as.ana.json('POST', `/api/incidents/${id}/segments`, { itemId: copy.id, startSec: 0, endSec: 1 })).status, 201);
      assert.equal((await as.ana.json('POST', `/api/incidents/${id}/segments`, { itemId: news.id, startSec: 0, endSec: 1 })).status, 201);
      const users = (await s.vault.db.query<{ id: number; username: string }>('SELECT id, username FROM users')).rows;
      const uid = (n: string) => Number(users.find((u) => u.username === n)!.id);
      const output = 'b'.repeat(64);
      const redactionId = await s.vault.db.transaction(async (tx) => {
        await tx.query('INSERT INTO blobs (sha256, size) VALUES ($1, 10)', [output]);
        const r = await tx.query<{ id: number }>(
          `INSERT INTO redactions (case_id, item_id, source_sha256, recipe, recipe_sha256, status, output_sha256, created_by, rendered_by, reviewed_by, reviewed_at)
           VALUES ($1, $2, $3, '{}', $4, 'approved', $5, $6, $6, $7, now()) RETURNING id`,
          [caseId, copy.id, copy.sha256, 'a'.repeat(64), output, uid('ana'), uid('rita')],
        );
        await s.vault.ledger.append(tx, { actor: 'user:ana', action: 'redaction-rendered', subjects: [copy.sha256, output].sort(), details: { redaction: Number(r.rows[0]!.id) } });
        return Number(r.rows[0]!.id);
      });
      await as.ana.json('POST', `/api/incidents/${id}/review`, { action: 'submit' });
      assert.equal((await as.rita.json('POST', `/api/incidents/${id}/review`, { action: 'verify', checklist: done, confidence: 'high' })).status, 200);
      const mark = await as.cora.json('PUT', `/api/incidents/${id}/publication`, { title: 'Beating of a detainee', summary: 'A detainee is beaten.', redactionIds: [redactionId] });
      assert.equal(mark.status, 200, JSON.stringify(mark.body));
      assert.equal((await publicSiteContent(s.vault.db, caseId)).incidents[0]!.videos.length, 1);

      // Then sara cites the copy about the source's own exposure: it becomes protected.
      const person = (await as.sara.json('POST', `/api/cases/${caseId}/persons`, { role: 'other', pseudonym: 'Quillfeather', isSource: true })).body.person.id;
      const x = await as.sara.json('POST', `/api/cases/${caseId}/proceedings`, { type: 'arrest-in-absentia', title: 'Arrest', subjectIds: [person], sourceExposure: true });
      const ev = await as.sara.json('POST', `/api/proceedings/${x.body.proceeding.proceeding.id}/events`, { on: '2023', status: 'opened', summary: 'Warrant' });
      const src = (await as.sara.json('POST', `/api/cases/${caseId}/sources`, { kind: 'document', title: 'Court order', itemId: copy.id })).body.source.id;
      assert.equal((await as.sara.json('POST', `/api/proceeding-events/${ev.body.proceeding.events[0].id}/claims`, { sourceId: src, quote: 'arrest in absentia', confidence: 'high' })).status, 201);

      const site = await publicSiteContent(s.vault.db, caseId);
      assert.deepEqual(site.incidents[0]!.videos, []);
      assert.deepEqual(site.skipped.map((k) => k.redaction), [redactionId]);
      const queued = await as.cora.json('POST', `/api/cases/${caseId}/sites`);
      assert.equal(queued.status, 202, JSON.stringify(queued.body));
      await siteBuildWorker(s.vault, await locateMediaTools()).runUntilIdle();
      const built = await as.cora.json('GET', `/api/cases/${caseId}/sites/${queued.body.site.id}`);
      assert.deepEqual([built.body.site.state, built.body.site.error], ['done', null]);
      assert.equal(built.body.site.videos, 0);
      assert.deepEqual((await as.cora.json('GET', `/api/incidents/${id}/publication`)).body.publishable, [], 'its redaction is no longer offered');
      // The redaction itself is absent without the grant, as an id nobody holds; present with it.
      const gone = await as.cora.json('GET', `/api/redactions/${redactionId}`);
      assert.deepEqual([gone.status, gone.body.error?.message], [404, `no redaction ${redactionId}`]);
      assert.equal((await as.cora.json('GET', `/api/redactions/${redactionId}/output`)).status, 404);
      assert.equal((await as.ana.json('PATCH', `/api/redactions/${redactionId}`, { title: 'renamed' })).status, 404);
      assert.equal((await as.ana.json('POST', `/api/redactions/${redactionId}/render`, {})).status, 404);
      assert.equal((await as.rita.json('POST', `/api/redactions/${redactionId}/reject`, {})).status, 404);
      // (With the grant it is found: the row made by hand above has an empty recipe, which the response schema refuses, so only 'not 404' is asserted.)
      assert.notEqual((await as.sara.json('GET', `/api/redactions/${redactionId}`)).status, 404);

      const inCase = await selectForExport(s.vault, { kind: 'case', name: 'Perm' });
      assert.deepEqual(inCase.items.map((i) => i.id), [news.id]);
      await assert.rejects(selectForExport(s.vault, { kind: 'items', ids: [copy.id] }), { code: 'NotFound', message: `no item with id ${copy.id}` });
      assert.deepEqual((await selectForExport(s.vault, { kind: 'incident', id: String(id) })).items.map((i) => i.id), [news.id]);
      assert.deepEqual((await selectForExport(s.vault, { kind: 'case', name: 'Perm' }, { withSourceProtected: true })).items.map((i) => i.id).sort(), [copy.id, news.id].sort());

      const seen = await as.ana.json('GET', `/api/incidents/${id}`);
      assert.deepEqual(seen.body.incident.segments.map((g: { itemId: number }) => g.itemId), [news.id]);
      assert.equal((await as.sara.json('GET', `/api/incidents/${id}`)).body.incident.segments.length, 2);
    });
  });
}
