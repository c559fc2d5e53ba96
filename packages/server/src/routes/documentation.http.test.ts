import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_KINDS } from '@custodia/store/testing';
import { startTestServer, type TestClient, type TestServer } from '../testing/test-server.js';
import { seedCase } from '../testing/evidence-seed.js';

const done = { source: { done: true, note: 'source interviewed' }, technical: { done: true, note: 'hash, metadata, overlay clock' }, content: { done: true, note: 'uniforms, layout' } };
const REAL_NAME = 'Кузнецов Артём Сергеевич';

for (const kind of DB_KINDS) {
  describe(`documentation API over HTTP (${kind})`, () => {
    let s: TestServer;
    const as: Record<'admin' | 'ana' | 'rita' | 'olga' | 'gina' | 'cora', TestClient> = {} as never;
    let caseId: number;
    let items: { id: number; sha256: string }[];

    before(async () => {
      s = await startTestServer(kind);
      const a = await s.addUser({ username: 'admin', isAdmin: true, totp: true });
      as.admin = s.client();
      await as.admin.signIn('admin', { totpSecret: a.totpSecret });
      caseId = (await as.admin.json('POST', '/api/cases', { name: 'ИК-1' })).body.case.id;
      items = (await seedCase(s.vault, 'ИК-1', [
        { path: '/seed/cam1/2021-03-04.mp4', bytes: Buffer.from('video one'), proxy: Buffer.from('proxy one'), durationSec: 60 },
        { path: '/seed/cam2/2021-03-04.mp4', bytes: Buffer.from('video two'), proxy: Buffer.from('proxy two'), durationSec: 60 },
      ])).items;
      const members = [['ana', 'analyst', []], ['rita', 'reviewer', []], ['olga', 'observer', []], ['gina', 'analyst', ['protected-identities']], ['cora', 'coordinator', []]] as const;
      for (const [name, role, grants] of members) {
        const u = await s.addUser({ username: name });
        assert.equal((await as.admin.json('PUT', `/api/cases/${caseId}/members/${u.user.id}`, { role, grants })).status, 200);
        as[name] = s.client();
        await as[name].signIn(name);
      }
    });
    after(() => s?.close());

    test('taxonomy in English and Russian; only coordinators and admins edit it and the facilities', async () => {
      const t = await as.olga.json('GET', '/api/taxonomy');
      assert.equal(t.status, 200);
      const beating = t.body.terms.find((x: { key: string }) => x.key === 'beating');
      assert.deepEqual(beating.labels, { en: 'Beating', ru: 'Избиение' });
      assert.ok(t.body.terms.some((x: { kind: string; labels: { ru: string } }) => x.kind === 'facility-type' && x.labels.ru === 'Следственный изолятор (СИЗО)'));
      const term = { kind: 'ill-treatment', key: 'cold-exposure', labels: { en: 'Exposure to cold', ru: 'Воздействие холодом' } };
      assert.equal((await as.ana.json('POST', '/api/taxonomy', term)).status, 403);
      assert.equal((await as.cora.json('POST', '/api/taxonomy', term)).status, 201);
      assert.equal((await as.cora.json('POST', '/api/taxonomy', { ...term, key: 'Bad Key' })).body.error.where, 'body.key');
      const region = await as.cora.json('POST', '/api/facilities', { kind: 'region', name: 'Ярославская область' });
      assert.equal(region.status, 201);
      const colony = await as.cora.json('POST', '/api/facilities', { kind: 'facility', name: 'ИК-1', parentId: region.body.facility.id });
      const cam = await as.cora.json('POST', '/api/facilities', { kind: 'camera', name: 'Cam 3', parentId: colony.body.facility.id, overlayLabel: 'КАМЕРА 3' });
      assert.equal(cam.status, 201);
      assert.equal((await as.ana.json('POST', '/api/facilities', { kind: 'region', name: 'x' })).status, 403);
      const m = await as.olga.json('GET', `/api/facilities/match-camera?label=${encodeURIComponent('kamepa 3')}`);
      assert.equal(m.body.camera.id, cam.body.facility.id);
      // Deleting: refused while something is under it (409, saying what), allowed for an unused node; ledgered.
      assert.equal((await as.ana.json('DELETE', `/api/facilities/${cam.body.facility.id}`)).status, 403);
      const inUse = await as.cora.json('DELETE', `/api/facilities/${colony.body.facility.id}`);
      assert.equal(inUse.status, 409);
      assert.match(inUse.body.error.message, /1 nodes under it/);
      assert.equal((await as.cora.json('DELETE', `/api/facilities/${cam.body.facility.id}`)).status, 200);
      assert.equal((await as.cora.json('DELETE', `/api/facilities/${cam.body.facility.id}`)).status, 404);
      const left = (await as.olga.json('GET', '/api/facilities')).body.facilities.map((f: { id: number }) => f.id);
      assert.ok(!left.includes(cam.body.facility.id) && left.includes(colony.body.facility.id));
      // A facility where a person held a position stays.
      const sizo = await as.cora.json('POST', '/api/facilities', { kind: 'facility', name: 'СИЗО-2', parentId: region.body.facility.id });
      const guard = await as.ana.json('POST', `/api/cases/${caseId}/persons`, { role: 'official', pseudonym: 'Guard S-2', positions: [{ facilityId: sizo.body.facility.id, title: 'Duty officer' }] });
      assert.equal(guard.status, 201, JSON.stringify(guard.body));
      const held = await as.cora.json('DELETE', `/api/facilities/${sizo.body.facility.id}`);
      assert.equal(held.status, 409);
      assert.match(held.body.error.message, /1 person positions/);
      const deleted = await s.vault.db.query<{ entry: string }>("SELECT entry FROM ledger_entries WHERE entry::jsonb->>'action' = 'facility-deleted'");
      assert.equal(deleted.rows.length, 1);
      assert.equal(JSON.parse(deleted.rows[0]!.entry).details.name, 'Cam 3');
    });

    test('protected identities: absent from every response without the grant, including search and the ledger view', async () => {
      const secret = { realName: REAL_NAME, birthDate: '1990-05-06', notes: 'lives in Yaroslavl' };
      assert.equal((await as.ana.json('POST', `/api/cases/${caseId}/persons`, { role: 'victim', pseudonym: 'V-1', protected: secret })).status, 403);
      const created = await as.gina.json('POST', `/api/cases/${caseId}/persons`, { role: 'victim', pseudonym: 'V-1', protected: secret });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(created.body.person.protected, secret);
      const id = created.body.person.id;
      await as.gina.json('POST', `/api/items/${items[0]!.id}/annotations`, { startSec: 1, endSec: 2, personIds: [id], note: 'V-1 is pushed to the floor' });
      for (const who of [as.ana, as.olga, as.rita, as.admin]) {
        const list = await who.json('GET', `/api/cases/${caseId}/persons`);
        assert.equal(list.status, 200);
        assert.ok(list.body.persons.length >= 1);
        for (const p of list.body.persons) assert.ok(!('protected' in p));
        const one = await who.json('GET', `/api/persons/${id}`);
        assert.ok(!('protected' in one.body.person));
        assert.deepEqual((await who.json('GET', `/api/cases/${caseId}/persons?q=${encodeURIComponent('Кузнецов')}`)).body.persons, []);
        const search = await who.json('GET', `/api/cases/${caseId}/items?q=${encodeURIComponent('Кузнецов')}`);
        assert.equal(search.status, 200);
        assert.equal(search.body.total, 0);
        const ledger = await who.json('GET', `/api/cases/${caseId}/ledger?limit=500`);
        assert.equal(ledger.status, 200);
        const text = JSON.stringify(ledger.body);
        assert.ok(!text.includes('Кузнецов') && !text.includes('1990-05-06') && !text.includes('Yaroslavl'));
        const annotations = await who.json('GET', `/api/items/${items[0]!.id}/annotations`);
        assert.ok(!JSON.stringify(annotations.body).includes('Кузнецов'));
      }
      assert.deepEqual((await as.gina.json('GET', `/api/persons/${id}`)).body.person.protected, secret);
      const changed = await as.ana.json('PATCH', `/api/persons/${id}`, { pseudonym: 'Victim 1' });
      assert.equal(changed.status, 200);
      assert.ok(!('protected' in changed.body.person));
    });

    test('annotate, create an incident, and verify it only as a second person with the whole checklist; the ledger shows who did what', async () => {
      const terms = (await as.ana.json('GET', '/api/taxonomy?kind=ill-treatment')).body.terms;
      const beating = terms.find((x: { key: string }) => x.key === 'beating').id;
      assert.equal((await as.olga.json('POST', `/api/items/${items[1]!.id}/annotations`, { startSec: 3, endSec: 9, note: 'x' })).status, 403);
      const a = await as.ana.json('POST', `/api/items/${items[1]!.id}/annotations`, { startSec: 3, endSec: 9, termIds: [beating], note: 'Охранник бьёт заключённого дубинкой' });
      assert.equal(a.status, 201, JSON.stringify(a.body));
      const edited = await as.ana.json('PATCH', `/api/annotations/${a.body.annotation.id}`, { endSec: 11, version: 1 });
      assert.equal(edited.body.annotation.version, 2);
      assert.equal((await as.ana.json('PATCH', `/api/annotations/${a.body.annotation.id}`, { endSec: 12, version: 1 })).status, 409);
      const versions = await as.olga.json('GET', `/api/annotations/${a.body.annotation.id}/versions`);
      assert.deepEqual(versions.body.versions.map((v: { version: number; endSec: number; author: string }) => [v.version, v.endSec, v.author]), [[1, 9, 'ana'], [2, 11, 'ana']]);

      // The note is found by the items search (Russian stemming) and the item carries the tag.
      const found = await as.olga.json('GET', `/api/cases/${caseId}/items?q=${encodeURIComponent('дубинки')}`);
      assert.deepEqual(found.body.items.map((i: { id: number }) => i.id), [items[1]!.id]);
      const tagged = await as.olga.json('GET', `/api/cases/${caseId}/items?tag=${beating}`);
      assert.deepEqual(tagged.body.items.map((i: { id: number }) => i.id), [items[1]!.id]);

      const inc = await as.ana.json('POST', `/api/cases/${caseId}/incidents`, {
        title: 'Beating in the corridor', timeSource: 'overlay', occurredFrom: '2021-03-04T02:10:00Z', termIds: [beating], description: 'Сотрудник бьёт заключённого.',
      });
      assert.equal(inc.status, 201, JSON.stringify(inc.body));
      const id = inc.body.incident.id;
      assert.deepEqual(inc.body.incident.allowedActions, ['submit']);
      const seg = await as.ana.json('POST', `/api/incidents/${id}/segments`, { itemId: items[1]!.id, startSec: 3, endSec: 11, annotationId: a.body.annotation.id });
      assert.equal(seg.status, 201, JSON.stringify(seg.body));
      // A segment linked by mistake is removed again; a removal based on a stale version is refused.
      const extra = await as.ana.json('POST', `/api/incidents/${id}/segments`, { itemId: items[0]!.id, startSec: 0, endSec: 2 });
      assert.equal(extra.status, 201, JSON.stringify(extra.body));
      const stale = await as.ana.json('DELETE', `/api/incidents/${id}/segments/${extra.body.segment.id}?version=1`);
      assert.equal(stale.status, 409);
      assert.equal(stale.body.error.where, 'version');
      const now = (await as.ana.json('GET', `/api/incidents/${id}`)).body.incident.version;
      assert.equal((await as.olga.json('DELETE', `/api/incidents/${id}/segments/${extra.body.segment.id}?version=${now}`)).status, 403);
      const removed = await as.ana.json('DELETE', `/api/incidents/${id}/segments/${extra.body.segment.id}?version=${now}`);
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      assert.deepEqual(removed.body.incident.segments.map((x: { id: number }) => x.id), [seg.body.segment.id]);
      assert.equal((await as.olga.json('PATCH', `/api/incidents/${id}`, { title: 'x' })).status, 403);
      assert.equal((await as.ana.json('POST', `/api/incidents/${id}/review`, { action: 'submit' })).body.incident.status, 'in-review');
      assert.equal((await as.ana.json('POST', `/api/incidents/${id}/review`, { action: 'verify', checklist: done, confidence: 'high' })).status, 403);
      const incomplete = await as.rita.json('POST', `/api/incidents/${id}/review`, { action: 'verify', checklist: { ...done, content: { done: false } }, confidence: 'high' });
      assert.equal(incomplete.status, 400);
      assert.equal(incomplete.body.error.where, 'checklist.content');
      const ritaView = await as.rita.json('GET', `/api/incidents/${id}`);
      assert.deepEqual(ritaView.body.incident.allowedActions, ['verify', 'dispute', 'reopen']);
      const verified = await as.rita.json('POST', `/api/incidents/${id}/review`, { action: 'verify', checklist: done, confidence: 'high', note: 'consistent' });
      assert.equal(verified.status, 200, JSON.stringify(verified.body));
      assert.equal(verified.body.incident.status, 'verified');
      assert.equal(verified.body.incident.reviewedBy, 'rita');
      assert.deepEqual(verified.body.incident.reviews.map((r: { action: string; reviewer: string }) => [r.action, r.reviewer]), [['submit', 'ana'], ['verify', 'rita']]);
      assert.equal((await as.ana.json('PATCH', `/api/incidents/${id}`, { title: 'changed' })).status, 409);
      const reviewed = await as.olga.json('GET', `/api/cases/${caseId}/items?review=verified`);
      assert.deepEqual(reviewed.body.items.map((i: { id: number }) => i.id), [items[1]!.id]);
      assert.equal((await as.olga.json('GET', `/api/cases/${caseId}/incidents?status=verified`)).body.incidents.length, 1);

      const ledger = await as.olga.json('GET', `/api/cases/${caseId}/ledger?limit=100`);
      const who = ledger.body.entries.map((e: { action: string; actor: string }) => `${e.actor} ${e.action}`);
      for (const line of ['user:ana annotation-created', 'user:ana annotation-changed', 'user:ana incident-created', 'user:ana incident-evidence-added', 'user:ana incident-evidence-removed', 'user:ana incident-submitted', 'user:rita incident-verified']) {
        assert.ok(who.includes(line), `${line} in ${who.join(', ')}`);
      }
      const verifiedEntry = ledger.body.entries.find((e: { action: string }) => e.action === 'incident-verified');
      assert.deepEqual(verifiedEntry.subjects, [items[1]!.sha256]);
      const page = await as.olga.json('GET', `/api/cases/${caseId}/ledger?limit=2&actor=user:rita`);
      assert.deepEqual(page.body.entries.map((e: { action: string }) => e.action), ['incident-verified']);
    });

    test('the time of a moment comes from the overlay clock when it was read, and says so', async () => {
      await s.vault.db.query("UPDATE item_index SET overlay_start = '2021-03-04T02:10:00Z' WHERE item_id = $1", [items[0]!.id]);
      const t = await as.olga.json('GET', `/api/items/${items[0]!.id}/time?at=90.5`);
      assert.deepEqual(t.body, { time: '2021-03-04T02:11:30.500Z', source: 'overlay' });
      assert.deepEqual((await as.olga.json('GET', `/api/items/${items[1]!.id}/time?at=3`)).body, { time: null, source: null });
    });

    test('saved views are per user; observers may save their own', async () => {
      const v = await as.olga.json('POST', `/api/cases/${caseId}/views`, { name: 'Active, cam 2', query: { hasActivity: true, camera: 'cam2' } });
      assert.equal(v.status, 201, JSON.stringify(v.body));
      assert.deepEqual((await as.olga.json('GET', `/api/cases/${caseId}/views`)).body.views.map((x: { name: string }) => x.name), ['Active, cam 2']);
      assert.deepEqual((await as.ana.json('GET', `/api/cases/${caseId}/views`)).body.views, []);
      assert.equal((await as.ana.json('PATCH', `/api/views/${v.body.view.id}`, { name: 'mine now' })).status, 404);
      const other = await as.olga.json('POST', `/api/cases/${caseId}/views`, { name: 'Other', query: {} });
      assert.equal((await as.olga.json('PATCH', `/api/views/${v.body.view.id}`, { name: 'Other' })).status, 409);
      const renamed = await as.olga.json('PATCH', `/api/views/${v.body.view.id}`, { name: 'Active on camera 2' });
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      assert.deepEqual(renamed.body.view.query, { hasActivity: true, camera: 'cam2' });
      assert.deepEqual((await as.olga.json('GET', `/api/cases/${caseId}/views`)).body.views.map((x: { name: string }) => x.name), ['Active on camera 2', 'Other']);
      assert.equal((await as.olga.json('DELETE', `/api/views/${other.body.view.id}`)).status, 200);
      assert.equal((await as.ana.json('DELETE', `/api/views/${v.body.view.id}`)).status, 404);
      assert.equal((await as.olga.json('DELETE', `/api/views/${v.body.view.id}`)).status, 200);
    });

    test('every documentation route is in the OpenAPI document', async () => {
      const doc = await as.olga.json('GET', '/api/openapi.json');
      for (const p of ['/api/taxonomy', '/api/facilities', '/api/cases/{caseId}/persons', '/api/items/{itemId}/annotations', '/api/incidents/{incidentId}/review', '/api/cases/{caseId}/ledger', '/api/cases/{caseId}/views']) {
        assert.ok(doc.body.paths[p], p);
      }
    });
  });
}
