import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DB_KINDS } from '@custodia/store/testing';
import { startTestServer, type TestClient, type TestServer } from '../testing/test-server.js';
import { seedCase } from '../testing/evidence-seed.js';

const PAGE = '<!doctype html><html><body><p>The head of the regional prison service said 18 officials had been fired.</p><p>The whistleblower was arrested in&nbsp;absentia.</p></body></html>';

for (const kind of DB_KINDS) {
  describe(`accountability API over HTTP (${kind})`, () => {
    let s: TestServer;
    const as: Record<'admin' | 'ana' | 'olga' | 'sara', TestClient> = {} as never;
    let caseId: number;
    let pageItem: number;

    before(async () => {
      s = await startTestServer(kind);
      const a = await s.addUser({ username: 'admin', isAdmin: true, totp: true });
      as.admin = s.client();
      await as.admin.signIn('admin', { totpSecret: a.totpSecret });
      caseId = (await as.admin.json('POST', '/api/cases', { name: 'Saratov' })).body.case.id;
      pageItem = (await seedCase(s.vault, 'Saratov', [{ path: '/seed/report.html', bytes: Buffer.from(PAGE) }])).items[0]!.id;
      for (const [name, role, grants] of [['ana', 'analyst', []], ['olga', 'observer', []], ['sara', 'analyst', ['source-identity']]] as const) {
        const u = await s.addUser({ username: name });
        assert.equal((await as.admin.json('PUT', `/api/cases/${caseId}/members/${u.user.id}`, { role, grants })).status, 200);
        as[name] = s.client();
        await as[name].signIn(name);
      }
    });
    after(() => s?.close());

    test('proceedings, timeline, claims checked against the captured copy, dashboard and export; the source\'s exposure absent without the grant', async () => {
      const src = await as.ana.json('POST', `/api/cases/${caseId}/sources`, { kind: 'web-page', title: 'Officials fired', url: 'https://example.org/a', publishedOn: '2021-10', itemId: pageItem });
      assert.equal(src.status, 201, JSON.stringify(src.body));
      assert.equal((await as.olga.json('POST', `/api/cases/${caseId}/sources`, { kind: 'document', title: 'x' })).status, 403);
      assert.equal((await as.ana.json('POST', `/api/cases/${caseId}/sources`, { kind: 'document', title: 'x', publishedOn: '2021-13' })).body.error.where, 'publishedOn');

      const fired = await as.ana.json('POST', `/api/cases/${caseId}/proceedings`, { type: 'dismissal', title: '=18 officials fired', unnamedSubjects: 18 });
      assert.equal(fired.status, 201);
      const pid = fired.body.proceeding.proceeding.id;
      const withEvent = await as.ana.json('POST', `/api/proceedings/${pid}/events`, { on: '2021-10', status: 'announced', summary: 'Announced by the head of the service' });
      const eventId = withEvent.body.proceeding.events[0].id;
      const badQuote = await as.ana.json('POST', `/api/proceeding-events/${eventId}/claims`, { sourceId: src.body.source.id, quote: '19 officials', confidence: 'high' });
      assert.equal(badQuote.status, 400);
      assert.equal(badQuote.body.error.where, 'quote');
      assert.equal((await as.ana.json('POST', `/api/proceeding-events/${eventId}/claims`, { sourceId: src.body.source.id, quote: '18 officials had been fired', confidence: 'high' })).status, 201);
      const detail = await as.olga.json('GET', `/api/proceedings/${pid}`);
      assert.equal(detail.body.proceeding.events[0].claims[0].quote, '18 officials had been fired');
      assert.equal(detail.body.proceeding.sources[0].title, 'Officials fired');
      assert.equal(detail.body.proceeding.canEdit, false);
      assert.equal(detail.body.proceeding.proceeding.outcome, 'dismissed');
      assert.equal((await as.olga.json('PATCH', `/api/proceedings/${pid}`, { title: 'x' })).status, 403);
      assert.equal((await as.ana.json('PATCH', `/api/proceedings/${pid}`, { authority: 'FSIN', version: 1 })).status, 200);
      assert.equal((await as.ana.json('PATCH', `/api/proceedings/${pid}`, { authority: 'stale', version: 1 })).status, 409);

      const copy = await as.olga.req('GET', `/api/sources/${src.body.source.id}/captured-copy`);
      assert.equal(copy.status, 200);
      assert.equal(copy.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.equal(await copy.text(), PAGE);

      // The source and their own exposure, recorded by sara who holds the grant.
      const person = await as.sara.json('POST', `/api/cases/${caseId}/persons`, { role: 'other', pseudonym: 'Whistleblower', isSource: true });
      assert.equal(person.status, 201);
      assert.equal((await as.ana.json('POST', `/api/cases/${caseId}/persons`, { role: 'other', pseudonym: 'W2', isSource: true })).status, 403);
      const exposure = await as.sara.json('POST', `/api/cases/${caseId}/proceedings`, { type: 'arrest-in-absentia', title: 'Arrested in absentia', subjectIds: [person.body.person.id], sourceExposure: true });
      assert.equal(exposure.status, 201);
      const xid = exposure.body.proceeding.proceeding.id;
      await as.sara.json('POST', `/api/proceedings/${xid}/events`, { on: '2022', status: 'opened', summary: 'Warrant' });
      assert.equal((await as.ana.json('POST', `/api/cases/${caseId}/proceedings`, { type: 'charge', title: 'x', sourceExposure: true })).status, 403);

      for (const who of [as.olga, as.ana]) {
        const list = await who.json('GET', `/api/cases/${caseId}/proceedings`);
        assert.deepEqual(list.body.proceedings.map((p: { id: number }) => p.id), [pid]);
        assert.equal((await who.json('GET', `/api/proceedings/${xid}`)).status, 404);
        assert.equal((await who.json('GET', `/api/persons/${person.body.person.id}`)).status, 404);
        assert.deepEqual((await who.json('GET', `/api/cases/${caseId}/accountability/search?q=absentia`)).body, { persons: [], proceedings: [] });
        assert.deepEqual((await who.json('GET', `/api/cases/${caseId}/accountability/search?q=Whistle`)).body, { persons: [], proceedings: [] });
        assert.deepEqual((await who.json('GET', `/api/cases/${caseId}/proceedings?type=arrest-in-absentia`)).body.proceedings, []);
        const dash = await who.json('GET', `/api/cases/${caseId}/accountability/dashboard`);
        assert.deepEqual(dash.body.counts, [{ outcome: 'dismissed', proceedings: 1, namedSubjects: 0, unnamedSubjects: 18 }]);
        const csv = await who.req('GET', `/api/cases/${caseId}/accountability/export?format=csv`);
        assert.equal(csv.status, 200);
        const text = await csv.text();
        assert.ok(text.includes(`'=18 officials fired`), text);
        assert.ok(!/absentia|Whistleblower|Warrant/.test(text));
        const json = await (await who.req('GET', `/api/cases/${caseId}/accountability/export?format=json`)).text();
        assert.ok(!/absentia|Whistleblower|Warrant/.test(json));
        assert.equal((await who.req('GET', `/api/cases/${caseId}/accountability/export?format=json&withSourceExposure=1`)).status, 403);
        const persons = await who.json('GET', `/api/cases/${caseId}/persons`);
        assert.deepEqual(persons.body.persons, []);
      }
      assert.equal((await as.sara.json('GET', `/api/cases/${caseId}/proceedings`)).body.proceedings.length, 2);
      assert.equal((await as.sara.json('GET', `/api/cases/${caseId}/accountability/dashboard`)).body.counts.length, 2);
      assert.ok(!(await (await as.sara.req('GET', `/api/cases/${caseId}/accountability/export?format=csv`)).text()).includes('absentia'));
      assert.ok((await (await as.sara.req('GET', `/api/cases/${caseId}/accountability/export?format=csv&withSourceExposure=1`)).text()).includes('Arrested in absentia'));

      const openapi = await as.olga.json('GET', '/api/openapi.json');
      assert.ok(openapi.body.paths['/api/cases/{caseId}/proceedings']?.get, 'registered in the OpenAPI document');
    });
  });
}
