import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_KINDS } from '@custodia/store/testing';
import { startTestServer, type TestClient, type TestServer } from '../testing/test-server.js';

for (const kind of DB_KINDS) {
  describe(`archiving facilities over HTTP (${kind})`, () => {
    let s: TestServer;
    const as: Record<'admin' | 'ana' | 'cora', TestClient> = {} as never;
    let caseId: number;

    before(async () => {
      s = await startTestServer(kind);
      const a = await s.addUser({ username: 'admin', isAdmin: true, totp: true });
      as.admin = s.client();
      await as.admin.signIn('admin', { totpSecret: a.totpSecret });
      caseId = (await as.admin.json('POST', '/api/cases', { name: 'СИЗО-1' })).body.case.id;
      for (const [name, role] of [['ana', 'analyst'], ['cora', 'coordinator']] as const) {
        const u = await s.addUser({ username: name });
        assert.equal((await as.admin.json('PUT', `/api/cases/${caseId}/members/${u.user.id}`, { role, grants: [] })).status, 200);
        as[name] = s.client();
        await as[name].signIn(name);
      }
    });
    after(() => s?.close());

    test('an archived facility stays on the incidents citing it, is flagged in the list, can be restored; both ledgered', async () => {
      const region = (await as.cora.json('POST', '/api/facilities', { kind: 'region', name: 'Тверская область' })).body.facility;
      const sizo = await as.cora.json('POST', '/api/facilities', { kind: 'facility', name: 'СИЗО-1 Тверь', parentId: region.id });
      assert.equal(sizo.status, 201);
      assert.equal(sizo.body.facility.archived, false);
      const cam = (await as.cora.json('POST', '/api/facilities', { kind: 'camera', name: 'Cam 1', parentId: sizo.body.facility.id })).body.facility;
      const inc = await as.ana.json('POST', `/api/cases/${caseId}/incidents`, { title: 'Beating at intake', timeSource: 'overlay', facilityId: sizo.body.facility.id, cameraId: cam.id });
      assert.equal(inc.status, 201, JSON.stringify(inc.body));

      // Only coordinators and administrators archive; in use, it cannot be deleted, but it can be archived.
      assert.equal((await as.ana.json('POST', `/api/facilities/${sizo.body.facility.id}/archive`)).status, 403);
      assert.equal((await as.cora.json('DELETE', `/api/facilities/${sizo.body.facility.id}`)).status, 409);
      const archived = await as.cora.json('POST', `/api/facilities/${sizo.body.facility.id}/archive`);
      assert.equal(archived.status, 200, JSON.stringify(archived.body));
      assert.equal(archived.body.facility.archived, true);
      assert.equal((await as.cora.json('POST', '/api/facilities/999999/archive')).status, 404);

      // Still listed (flagged), still cited by the incident; nothing new may be placed under it.
      const list = (await as.ana.json('GET', '/api/facilities')).body.facilities as { id: number; archived: boolean }[];
      assert.equal(list.find((f) => f.id === sizo.body.facility.id)?.archived, true);
      assert.equal(list.find((f) => f.id === cam.id)?.archived, false, 'a node under it keeps its own flag (the pickers hide it with its parent)');
      const got = await as.ana.json('GET', `/api/incidents/${inc.body.incident.id}`);
      assert.equal(got.status, 200);
      assert.equal(got.body.incident.facilityId, sizo.body.facility.id);
      const under = await as.cora.json('POST', '/api/facilities', { kind: 'camera', name: 'Cam 2', parentId: sizo.body.facility.id });
      assert.equal(under.status, 400);
      assert.equal(under.body.error.where, 'parentId');

      // A node under an archived one cannot be restored before it.
      await as.cora.json('POST', `/api/facilities/${region.id}/archive`);
      const early = await as.cora.json('POST', `/api/facilities/${sizo.body.facility.id}/restore`);
      assert.equal(early.status, 409);
      assert.match(early.body.error.message, /Тверская область/);
      assert.equal((await as.cora.json('POST', `/api/facilities/${region.id}/restore`)).body.facility.archived, false);
      const restored = await as.cora.json('POST', `/api/facilities/${sizo.body.facility.id}/restore`);
      assert.equal(restored.body.facility.archived, false);
      assert.equal((await as.cora.json('POST', '/api/facilities', { kind: 'camera', name: 'Cam 2', parentId: sizo.body.facility.id })).status, 201);

      const ledger = await s.vault.db.query<{ entry: string }>("SELECT entry FROM ledger_entries WHERE entry LIKE '%facility-archived%' OR entry LIKE '%facility-restored%' ORDER BY seq");
      const actions = ledger.rows.map((r) => JSON.parse(r.entry) as { action: string; actor: string; details: { facility: number } });
      assert.deepEqual(
        actions.map((e) => [e.action, e.details.facility]),
        [['facility-archived', sizo.body.facility.id], ['facility-archived', region.id], ['facility-restored', region.id], ['facility-restored', sizo.body.facility.id]],
      );
      assert.ok(actions.every((e) => e.actor === 'user:cora'));
    });
  });
}
