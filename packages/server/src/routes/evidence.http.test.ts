import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_KINDS } from '@custodia/store/testing';
import { startTestServer, type TestClient, type TestServer } from '../testing/test-server.js';
import { seedCase } from '../testing/evidence-seed.js';
import { ROUTE_MODULES } from './index.js';

const proxyBytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));

for (const kind of DB_KINDS) {
  describe(`evidence read API over HTTP (${kind})`, () => {
    let s: TestServer;
    let admin: TestClient;
    let analyst: TestClient;
    let observer: TestClient;
    let outsider: TestClient;
    let caseId: number;
    let seeded: Awaited<ReturnType<typeof seedCase>>;

    before(async () => {
      s = await startTestServer(kind);
      const a = await s.addUser({ username: 'admin', isAdmin: true, totp: true });
      admin = s.client();
      await admin.signIn('admin', { totpSecret: a.totpSecret });
      const created = await admin.json('POST', '/api/cases', { name: 'Саратов' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      caseId = created.body.case.id;
      seeded = await seedCase(s.vault, 'Саратов', [
        { path: '/seed/Камера 3/избиение в коридоре.mp4', bytes: Buffer.from('video one'), proxy: proxyBytes, durationSec: 30, activity: [[2, 7]] },
        { path: '/seed/cam4/beating in the yard.mp4', bytes: Buffer.from('video two'), proxy: Buffer.from('proxy two'), durationSec: 60 },
        { path: '/seed/cam4/copy of yard.mp4', bytes: Buffer.from('video two') },
        { path: '/seed/docs/report.pdf', bytes: Buffer.from('%PDF report'), kind: 'document' },
      ]);
      for (const [name, role] of [['ana', 'analyst'], ['olga', 'observer'], ['otto', null]] as const) {
        const u = await s.addUser({ username: name });
        if (role) assert.equal((await admin.json('PUT', `/api/cases/${caseId}/members/${u.user.id}`, { role, grants: [] })).status, 200);
      }
      analyst = s.client();
      await analyst.signIn('ana');
      observer = s.client();
      await observer.signIn('olga');
      outsider = s.client();
      await outsider.signIn('otto');
    });
    after(() => s?.close());

    test('cases: members see theirs with their role; a non-member sees nothing and gets 404', async () => {
      const mine = await analyst.json('GET', '/api/cases');
      assert.deepEqual(mine.body.cases.map((c: { name: string; role: string; itemCount: number }) => [c.name, c.role, c.itemCount]), [['Саратов', 'analyst', 4]]);
      assert.deepEqual((await outsider.json('GET', '/api/cases')).body.cases, []);
      assert.equal((await outsider.json('GET', `/api/cases/${caseId}`)).status, 404);
      assert.equal((await outsider.json('GET', `/api/cases/${caseId}/items`)).status, 404);
      assert.equal((await outsider.json('GET', `/api/items/${seeded.items[0]!.id}`)).status, 404);
      const dash = await observer.json('GET', `/api/cases/${caseId}`);
      assert.equal(dash.status, 200);
      assert.equal(dash.body.counts.items, 4);
      assert.equal(dash.body.counts.byKind.video, 3);
      assert.equal(dash.body.counts.withActivity, 1);
    });

    test('roles: an observer cannot write; members changes are ledgered with the user', async () => {
      const r = await observer.json('PUT', `/api/cases/${caseId}/members/1`, { role: 'observer' });
      assert.equal(r.status, 403);
      assert.equal((await analyst.json('POST', '/api/cases', { name: 'Another' })).status, 403);
      // A coordinator without the grant cannot hand it out.
      const coord = await s.addUser({ username: 'cora' });
      assert.equal((await admin.json('PUT', `/api/cases/${caseId}/members/${coord.user.id}`, { role: 'coordinator' })).status, 200);
      const cora = s.client();
      await cora.signIn('cora');
      const olga = (await s.deps.accounts.userByUsername('olga'))!;
      const g = await cora.json('PUT', `/api/cases/${caseId}/members/${olga.id}`, { role: 'observer', grants: ['protected-identities'] });
      assert.equal(g.status, 403);
      assert.equal(g.body.error.where, 'body.grants');
      assert.equal((await cora.json('PUT', `/api/cases/${caseId}/members/${olga.id}`, { role: 'admin' })).status, 403);
      assert.equal((await cora.json('DELETE', `/api/cases/${caseId}/members/${coord.user.id}`)).status, 200);
      const members = await observer.json('GET', `/api/cases/${caseId}/members`);
      assert.deepEqual(members.body.members.map((m: { username: string }) => m.username), ['admin', 'ana', 'olga']);
      const entries = (await s.vault.db.query<{ entry: string }>("SELECT entry FROM ledger_entries WHERE action IN ('member-added','case-created') ORDER BY seq")).rows.map((x) => JSON.parse(x.entry));
      assert.ok(entries.some((e) => e.action === 'case-created' && e.actor === 'user:admin'));
      assert.ok(entries.some((e) => e.action === 'member-added' && e.details.username === 'olga' && e.actor === 'user:admin'));
    });

    test('items list: facets, filters, sort and cursor pagination', async () => {
      const all = await observer.json('GET', `/api/cases/${caseId}/items?sort=path&limit=3`);
      assert.equal(all.status, 200, JSON.stringify(all.body));
      assert.equal(all.body.total, 4);
      assert.deepEqual(all.body.facets.kind, { video: 3, document: 1 });
      assert.deepEqual(all.body.facets.hasActivity, { true: 1, false: 3 });
      assert.deepEqual(all.body.facets.duplicate, { true: 2, false: 2 });
      assert.equal(all.body.items.length, 3);
      assert.ok(all.body.nextCursor);
      const next = await observer.json('GET', `/api/cases/${caseId}/items?sort=path&limit=3&cursor=${all.body.nextCursor}`);
      assert.equal(next.body.items.length, 1);
      assert.equal(next.body.nextCursor, null);
      const paths = [...all.body.items, ...next.body.items].map((i: { path: string }) => i.path);
      assert.deepEqual(paths, [...paths].sort());
      const active = await observer.json('GET', `/api/cases/${caseId}/items?hasActivity=true`);
      assert.equal(active.body.total, 1);
      assert.equal(active.body.items[0].activitySeconds, 5);
      assert.equal(active.body.items[0].durationSec, 30);
      assert.equal(active.body.items[0].proxySha256, seeded.items[0]!.proxy);
      const dup = await observer.json('GET', `/api/cases/${caseId}/items?duplicateGroup=any&kind=video`);
      assert.equal(dup.body.total, 2);
      const bySize = await observer.json('GET', `/api/cases/${caseId}/items?sort=-size&limit=2`);
      const sizes = bySize.body.items.map((i: { size: number }) => i.size);
      assert.deepEqual(sizes, [...sizes].sort((a: number, b: number) => b - a));
      const bad = await observer.json('GET', `/api/cases/${caseId}/items?limit=9999`);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.where, 'query.limit');
    });

    test('full-text search in Russian and English (stemmed) over paths', async () => {
      const ru = await observer.json('GET', `/api/cases/${caseId}/items?q=${encodeURIComponent('избиения')}`);
      assert.deepEqual(ru.body.items.map((i: { path: string }) => i.path), ['/seed/Камера 3/избиение в коридоре.mp4']);
      const ru2 = await observer.json('GET', `/api/cases/${caseId}/items?q=${encodeURIComponent('камеры')}`);
      assert.equal(ru2.body.total, 1);
      const en = await observer.json('GET', `/api/cases/${caseId}/items?q=beatings`);
      assert.deepEqual(en.body.items.map((i: { path: string }) => i.path), ['/seed/cam4/beating in the yard.mp4']);
      const folder = await observer.json('GET', `/api/cases/${caseId}/items?q=cam4`);
      assert.equal(folder.body.total, 2);
      assert.equal((await observer.json('GET', `/api/cases/${caseId}/items?q=nothingmatches`)).body.total, 0);
    });

    test('item detail: facts, duplicates, custody with proof status; the view is ledgered', async () => {
      const it = seeded.items[1]!;
      const r = await observer.json('GET', `/api/items/${it.id}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.item.sha256, it.sha256);
      assert.equal(r.body.duplicates.length, 1);
      assert.deepEqual(r.body.derivatives.map((d: { kind: string }) => d.kind).sort(), ['poster', 'proxy']);
      const actions = r.body.custody.map((e: { action: string }) => e.action);
      assert.ok(actions.includes('ingested'), actions.join());
      assert.ok(actions.includes('derivative-made'));
      assert.equal(r.body.custody.find((e: { action: string }) => e.action === 'ingested').proof, 'included');
      const again = await observer.json('GET', `/api/items/${it.id}`);
      const viewed = again.body.custody.filter((e: { action: string }) => e.action === 'viewed');
      // Each view is in the history, this one included; it is covered by the next checkpoint.
      assert.equal(viewed.length, 2);
      assert.ok(viewed.every((v: { actor: string }) => v.actor === 'user:olga'));
      assert.equal(viewed[1].proof, 'pending');
    });

    test('blobs: derivatives with HTTP Range for members; originals and outsiders get 404', async () => {
      const proxy = seeded.items[0]!.proxy!;
      const full = await observer.req('GET', `/api/blobs/${proxy}`);
      assert.equal(full.status, 200);
      assert.equal(full.headers.get('accept-ranges'), 'bytes');
      assert.match(full.headers.get('cache-control')!, /private/);
      assert.equal(full.headers.get('content-type'), 'video/mp4');
      assert.deepEqual(Buffer.from(await full.arrayBuffer()), proxyBytes);
      const part = await observer.req('GET', `/api/blobs/${proxy}`, undefined, { range: 'bytes=100-199' });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), `bytes 100-199/${proxyBytes.length}`);
      assert.deepEqual(Buffer.from(await part.arrayBuffer()), proxyBytes.subarray(100, 200));
      const tail = await observer.req('GET', `/api/blobs/${proxy}`, undefined, { range: 'bytes=-10' });
      assert.equal(tail.status, 206);
      assert.deepEqual(Buffer.from(await tail.arrayBuffer()), proxyBytes.subarray(proxyBytes.length - 10));
      const open = await observer.req('GET', `/api/blobs/${proxy}`, undefined, { range: 'bytes=4990-' });
      assert.equal(open.headers.get('content-range'), `bytes 4990-4999/${proxyBytes.length}`);
      await open.arrayBuffer();
      const beyond = await observer.req('GET', `/api/blobs/${proxy}`, undefined, { range: 'bytes=999999-' });
      assert.equal(beyond.status, 416);
      assert.equal((await outsider.req('GET', `/api/blobs/${proxy}`)).status, 404);
      assert.equal((await observer.req('GET', `/api/blobs/${seeded.items[0]!.sha256}`)).status, 404);
      assert.equal((await s.client().req('GET', `/api/blobs/${proxy}`)).status, 401);
    });

    test('OpenAPI document: valid JSON, every route of every module present', async () => {
      const r = await s.client().json('GET', '/api/openapi.json');
      assert.equal(r.status, 200);
      assert.equal(r.body.openapi, '3.1.0');
      const registered = s.deps.openapi.list();
      assert.ok(ROUTE_MODULES.length >= 7);
      for (const route of registered) {
        const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
        assert.ok(r.body.paths[path]?.[route.method], `${route.method} ${path} missing`);
      }
      for (const p of ['/api/session', '/api/cases/{caseId}/items', '/api/items/{itemId}', '/api/blobs/{sha256}', '/api/cases/{caseId}/members/{userId}']) {
        assert.ok(r.body.paths[p], `${p} missing`);
      }
      const items = r.body.paths['/api/cases/{caseId}/items'].get;
      assert.ok(items.parameters.some((p: { name: string; in: string }) => p.name === 'q' && p.in === 'query'));
      assert.ok(items.responses['200'].content['application/json'].schema.properties.facets);
    });
  });
}
