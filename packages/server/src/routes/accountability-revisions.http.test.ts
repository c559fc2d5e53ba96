import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_KINDS } from '@custodia/store/testing';
import { startTestServer, type TestClient, type TestServer } from '../testing/test-server.js';
import { seedCase } from '../testing/evidence-seed.js';

const PAGE = '<html><body><p>The warden was dismissed on 3 May. Two deputies were reprimanded.</p></body></html>';

for (const kind of DB_KINDS) {
  describe(`claims edited and withdrawn, links removed (${kind})`, () => {
    let s: TestServer;
    const as: Record<'admin' | 'ana' | 'olga', TestClient> = {} as never;
    let caseId: number;
    let item: number;

    before(async () => {
      s = await startTestServer(kind);
      const a = await s.addUser({ username: 'admin', isAdmin: true, totp: true });
      as.admin = s.client();
      await as.admin.signIn('admin', { totpSecret: a.totpSecret });
      caseId = (await as.admin.json('POST', '/api/cases', { name: 'Omsk' })).body.case.id;
      item = (await seedCase(s.vault, 'Omsk', [{ path: '/seed/warden.html', bytes: Buffer.from(PAGE) }])).items[0]!.id;
      for (const [name, role] of [['ana', 'analyst'], ['olga', 'observer']] as const) {
        const u = await s.addUser({ username: name });
        assert.equal((await as.admin.json('PUT', `/api/cases/${caseId}/members/${u.user.id}`, { role, grants: [] })).status, 200);
        as[name] = s.client();
        await as[name].signIn(name);
      }
    });
    after(() => s?.close());

    test('a claim edited keeps its old version; withdrawn it stays in history, ledgered, and supports nothing; a link removed is gone', async () => {
      const src = (await as.ana.json('POST', `/api/cases/${caseId}/sources`, { kind: 'web-page', title: 'Warden dismissed', itemId: item })).body.source.id;
      const p = (await as.ana.json('POST', `/api/cases/${caseId}/proceedings`, { type: 'dismissal', title: 'Warden dismissed' })).body.proceeding.proceeding.id;
      const ev = (await as.ana.json('POST', `/api/proceedings/${p}/events`, { on: '2024-05-03', status: 'dismissed', summary: 'Dismissed' })).body.proceeding.events[0].id;
      const claim = (await as.ana.json('POST', `/api/proceeding-events/${ev}/claims`, { sourceId: src, quote: 'The warden was dismissed', confidence: 'medium' })).body.claim;
      assert.deepEqual([claim.version, claim.withdrawnAt], [1, null]);

      const bad = await as.ana.json('PATCH', `/api/claims/${claim.id}`, { quote: 'The warden resigned', version: 1 });
      assert.deepEqual([bad.status, bad.body.error.where], [400, 'quote']);
      assert.equal((await as.olga.json('PATCH', `/api/claims/${claim.id}`, { confidence: 'high' })).status, 403);
      const edited = await as.ana.json('PATCH', `/api/claims/${claim.id}`, { quote: 'The warden was dismissed on 3 May', confidence: 'high', version: 1 });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.deepEqual([edited.body.claim.version, edited.body.claim.confidence], [2, 'high']);
      assert.equal((await as.ana.json('PATCH', `/api/claims/${claim.id}`, { confidence: 'low', version: 1 })).status, 409);

      assert.equal((await as.olga.json('POST', `/api/claims/${claim.id}/withdraw`, {})).status, 403);
      const withdrawn = await as.ana.json('POST', `/api/claims/${claim.id}/withdraw`, { reason: 'the page was corrected', version: 2 });
      assert.equal(withdrawn.status, 200, JSON.stringify(withdrawn.body));
      assert.ok(withdrawn.body.claim.withdrawnAt);
      assert.equal((await as.ana.json('POST', `/api/claims/${claim.id}/withdraw`, {})).status, 409);
      const detail = await as.olga.json('GET', `/api/proceedings/${p}`);
      assert.deepEqual(detail.body.proceeding.events[0].claims, []);
      assert.deepEqual(detail.body.proceeding.sources, []);
      const history = await as.olga.json('GET', `/api/claims/${claim.id}/history`);
      assert.deepEqual(history.body.versions.map((v: { version: number; quote: string; withdrawn: boolean }) => [v.version, v.quote, v.withdrawn]), [
        [1, 'The warden was dismissed', false],
        [2, 'The warden was dismissed on 3 May', false],
        [3, 'The warden was dismissed on 3 May', true],
      ]);
      const json = await (await as.olga.req('GET', `/api/cases/${caseId}/accountability/export?format=json`)).text();
      assert.ok(!json.includes('The warden was dismissed'), 'a withdrawn claim is not exported');
      const ledger = JSON.stringify((await as.olga.json('GET', `/api/cases/${caseId}/ledger?limit=200`)).body);
      assert.ok(ledger.includes('claim-changed') && ledger.includes('claim-withdrawn'), ledger.slice(0, 500));
      assert.ok(!ledger.includes('the page was corrected'));

      const inc = (await as.ana.json('POST', `/api/cases/${caseId}/incidents`, { title: 'Beating', timeSource: 'overlay', description: 'x' })).body.incident.id;
      const link = (await as.ana.json('POST', `/api/proceedings/${p}/links`, { incidentId: inc })).body.link;
      const seg = (await as.ana.json('POST', `/api/proceedings/${p}/links`, { itemId: item, startSec: 2, endSec: 5 })).body.link;
      assert.equal((await as.olga.json('GET', `/api/cases/${caseId}/accountability/dashboard`)).body.incidents[0].incidents[0].id, inc);
      assert.equal((await as.olga.json('DELETE', `/api/proceeding-links/${link.id}`)).status, 403);
      const removed = await as.ana.json('DELETE', `/api/proceeding-links/${link.id}`);
      assert.deepEqual([removed.status, removed.body.proceedingId], [200, p]);
      assert.equal((await as.ana.json('DELETE', `/api/proceeding-links/${link.id}`)).status, 404);
      assert.deepEqual((await as.olga.json('GET', `/api/proceedings/${p}`)).body.proceeding.links.map((l: { id: number }) => l.id), [seg.id]);
      assert.deepEqual((await as.olga.json('GET', `/api/cases/${caseId}/accountability/dashboard`)).body.incidents[0].incidents, []);
    });
  });
}
