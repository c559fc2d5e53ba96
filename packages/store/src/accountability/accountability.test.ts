import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  accountabilityDashboard,
  addClaim,
  addEvent,
  createFacility,
  createIncident,
  createPerson,
  createProceeding,
  createSource,
  exportAccountability,
  getPerson,
  getProceeding,
  importAccountability,
  linkProceeding,
  listPersons,
  listProceedings,
  listSources,
  updateEvent,
  updateProceeding,
  type Caller,
  type ImportFile,
  type SourceText,
} from '@custodia/core';
import { DB_KINDS } from '../testing/test-databases.js';
import { withDocWorld, type DocWorld } from '../documentation/documentation-test.fixture.js';

const REPORT = 'The head of the regional prison service said 18 officials had been fired. A criminal case was opened under Article 286.';
const texts = (w: DocWorld): SourceText => ({ textOf: async (sha) => (sha === w.items[0]!.sha256 ? REPORT : null) });

const base = { subjectIds: [], unnamedSubjects: 0, authority: null, legalArticle: null, facilityId: null, sourceExposure: false };

/** A case with a dismissal, a criminal case, and the source's own exposure recorded by sara (who holds the grant). */
async function seed(w: DocWorld) {
  const deps = { ...w.repos, texts: texts(w) };
  const region = await createFacility(w.repos, w.as.cora, { kind: 'region', name: 'Saratov region', parentId: null, facilityTypeTermId: null, overlayLabel: null });
  const hospital = await createFacility(w.repos, w.as.cora, { kind: 'facility', name: 'OTB-1', parentId: region.id, facilityTypeTermId: null, overlayLabel: null });
  const official = await createPerson(w.repos, w.as.alice, { caseId: w.caseId, role: 'official', pseudonym: 'Head of FSIN', positions: [{ facilityId: region.id, title: 'Head', from: null, to: null, unit: 'Directorate', rank: 'General' }] });
  const source = await createPerson(w.repos, w.as.sara, { caseId: w.caseId, role: 'other', pseudonym: 'Whistleblower', positions: [], isSource: true });
  const report = await createSource(deps, w.as.alice, w.caseId, {
    kind: 'web-page', title: 'Officials fired', publisher: 'News', url: 'https://example.org/a', publishedOn: '2021-10', retrievedAt: '2026-11-30T00:00:00Z', itemId: w.items[0]!.id,
  });
  const exposureSource = await createSource(deps, w.as.sara, w.caseId, { kind: 'document', title: 'Arrest warrant', publisher: null, url: null, publishedOn: null, retrievedAt: null, itemId: null });
  const fired = await createProceeding(deps, w.as.alice, w.caseId, { ...base, type: 'dismissal', title: '18 officials fired', unnamedSubjects: 18, facilityId: hospital.id });
  const criminal = await createProceeding(deps, w.as.alice, w.caseId, { ...base, type: 'criminal-case', title: 'Abuse of office', subjectIds: [official.id], legalArticle: 'Art. 286', facilityId: hospital.id });
  const exposure = await createProceeding(deps, w.as.sara, w.caseId, { ...base, type: 'arrest-in-absentia', title: 'Whistleblower arrested in absentia', subjectIds: [source.id], sourceExposure: true });
  const announced = await addEvent(deps, w.as.alice, fired.id, { on: null, status: 'announced', summary: 'The head said 18 officials had been fired.' });
  await addClaim(deps, w.as.alice, { eventId: announced.id }, { sourceId: report.id, quote: '18 officials\nhad been fired', confidence: 'high' });
  await addEvent(deps, w.as.alice, criminal.id, { on: '2022-03-01', status: 'in-court', summary: 'Trial began' });
  await addEvent(deps, w.as.alice, criminal.id, { on: '2021', status: 'opened', summary: 'A criminal case was opened' });
  const warrant = await addEvent(deps, w.as.sara, exposure.id, { on: '2022-05', status: 'opened', summary: 'Arrested in absentia by a Saratov court' });
  await addClaim(deps, w.as.sara, { eventId: warrant.id }, { sourceId: exposureSource.id, quote: 'arrested in absentia', confidence: 'medium' });
  return { deps, region, hospital, official, source, report, exposureSource, fired, criminal, exposure, announced };
}

for (const kind of DB_KINDS) {
  describe(`accountability on ${kind}`, () => {
    it('records proceedings with a status timeline, claims quoting captured copies, links; every change ledgered with its user', () =>
      withDocWorld(kind, async (w) => {
        const s = await seed(w);
        const detail = await getProceeding(s.deps, w.as.olga, s.criminal.id);
        assert.deepEqual(detail.events.map((e) => [e.on, e.status]), [['2021', 'opened'], ['2022-03-01', 'in-court']]);
        assert.equal(detail.proceeding.latestStatus, 'in-court');
        assert.equal(detail.canEdit, false);
        const fired = await getProceeding(s.deps, w.as.alice, s.fired.id);
        assert.equal(fired.events[0]!.claims[0]!.quote, '18 officials\nhad been fired');
        assert.deepEqual(fired.sources.map((x) => [x.title, x.sha256]), [['Officials fired', w.items[0]!.sha256]]);
        assert.deepEqual((await getPerson(s.deps, w.as.olga, s.official.id)).positions, [{ facilityId: s.region.id, title: 'Head', from: null, to: null, unit: 'Directorate', rank: 'General' }]);

        // Quotes must be the source's words; roles and stale versions are enforced; bad dates named.
        await assert.rejects(addClaim(s.deps, w.as.alice, { eventId: s.announced.id }, { sourceId: s.report.id, quote: '19 officials', confidence: 'low' }), { code: 'Invalid', details: { where: 'quote' } });
        const claim = await addClaim(s.deps, w.as.alice, { personId: s.official.id, positionIndex: 0 }, { sourceId: s.report.id, quote: 'head of the regional prison service', confidence: 'medium' });
        assert.equal(claim.position!.title, 'Head');
        await assert.rejects(addEvent(s.deps, w.as.olga, s.fired.id, { on: null, status: 'other', summary: 'x' }), { code: 'Forbidden' });
        await assert.rejects(addEvent(s.deps, w.as.alice, s.fired.id, { on: '2021-02-30', status: 'other', summary: 'x' }), { code: 'Invalid', details: { where: 'on' } });
        await assert.rejects(createProceeding(s.deps, w.as.alice, w.caseId, { ...base, type: 'other', title: 'x', subjectIds: [s.source.id] }), { code: 'Invalid', details: { where: 'subjectIds.0' } });
        const changed = await updateProceeding(s.deps, w.as.bob, s.fired.id, { authority: 'FSIN Saratov' }, 1);
        assert.equal(changed.version, 2);
        await assert.rejects(updateProceeding(s.deps, w.as.alice, s.fired.id, { authority: 'stale' }, 1), { code: 'Conflict' });
        await updateEvent(s.deps, w.as.alice, s.announced.id, { on: '2021-10' });
        const incident = await createIncident(w.repos, w.as.alice, w.caseId, {
          title: 'Beating in OTB-1', facilityId: null, cameraId: null, place: null, occurredFrom: null, occurredTo: null, timeSource: 'manual', victimIds: [], perpetratorIds: [], termIds: [], description: '',
        });
        await linkProceeding(s.deps, w.as.alice, s.fired.id, { incidentId: incident.id });
        await linkProceeding(s.deps, w.as.alice, s.criminal.id, { itemId: w.items[1]!.id, startSec: 3, endSec: 9 });
        await assert.rejects(linkProceeding(s.deps, w.as.alice, s.criminal.id, { itemId: w.otherItem.id, startSec: null, endSec: null }), { code: 'Invalid', details: { where: 'itemId' } });

        // Search and filters.
        assert.deepEqual((await listProceedings(s.deps, w.as.olga, w.caseId, { q: 'trial' })).map((p) => p.id), [s.criminal.id]);
        assert.deepEqual((await listProceedings(s.deps, w.as.olga, w.caseId, { status: 'in-court' })).map((p) => p.id), [s.criminal.id]);
        assert.deepEqual((await listProceedings(s.deps, w.as.olga, w.caseId, { personId: s.official.id })).map((p) => p.id), [s.criminal.id]);
        assert.deepEqual((await listProceedings(s.deps, w.as.olga, w.caseId, { facilityId: s.region.id, type: 'dismissal' })).map((p) => p.id), [s.fired.id]);

        const dash = await accountabilityDashboard(s.deps, w.as.olga, w.caseId, s.region.id);
        assert.deepEqual(dash.counts.map((c) => [c.outcome, c.proceedings, c.namedSubjects, c.unnamedSubjects]), [['dismissed', 1, 0, 18], ['criminal-in-court', 1, 1, 0]]);
        assert.deepEqual(dash.incidents.find((x) => x.outcome === 'dismissed')!.incidents, [{ id: incident.id, title: 'Beating in OTB-1' }]);
        assert.deepEqual(dash.timeline.map((t) => t.on), ['2021', '2021-10', '2022-03-01']);

        const entries = await w.entries();
        const acts = entries.filter((e) => /^(proceeding|source|claim)/.test(e.action)).map((e) => `${e.action} ${e.actor}`);
        assert.ok(acts.includes('proceeding-created user:alice') && acts.includes('proceeding-changed user:bob') && acts.includes('claim-added user:alice') && acts.includes('proceeding-linked user:alice'));
        assert.ok(acts.includes('proceeding-event-changed user:alice') && acts.includes('source-created user:sara'));
        assert.deepEqual(entries.find((e) => e.action === 'source-created' && e.details.item === w.items[0]!.id)!.subjects, [w.items[0]!.sha256]);
      }));

    it('keeps the source and their own legal exposure absent for everyone without the source-identity grant', () =>
      withDocWorld(kind, async (w) => {
        const s = await seed(w);
        const secretWords = ['Whistleblower', 'absentia', 'Arrest warrant'];
        const without: Caller[] = [w.as.olga, w.as.alice, w.as.gina, w.as.admin];
        for (const who of without) {
          const persons = await listPersons(s.deps, who, w.caseId);
          assert.deepEqual(persons.map((p) => p.pseudonym), ['Head of FSIN'], who.username);
          assert.deepEqual(await listPersons(s.deps, who, w.caseId, 'Whistle'), []);
          await assert.rejects(getPerson(s.deps, who, s.source.id), { code: 'NotFound' });
          const list = await listProceedings(s.deps, who, w.caseId);
          assert.deepEqual(list.map((p) => p.id), [s.fired.id, s.criminal.id]);
          assert.deepEqual(await listProceedings(s.deps, who, w.caseId, { q: 'absentia' }), []);
          assert.deepEqual(await listProceedings(s.deps, who, w.caseId, { type: 'arrest-in-absentia' }), []);
          assert.deepEqual(await listProceedings(s.deps, who, w.caseId, { personId: s.source.id }), []);
          await assert.rejects(getProceeding(s.deps, who, s.exposure.id), { code: 'NotFound' });
          assert.deepEqual((await listSources(s.deps, who, w.caseId)).map((x) => x.title), ['Officials fired']);
          const dash = await accountabilityDashboard(s.deps, who, w.caseId);
          assert.equal(dash.counts.reduce((n, c) => n + c.proceedings, 0), 2);
          for (const format of ['csv', 'json'] as const) {
            const out = await exportAccountability(s.deps, who, w.caseId, { format });
            for (const word of secretWords) assert.ok(!out.body.includes(word), `${who.username} ${format} must not hold "${word}"`);
            assert.ok(out.body.includes('18 officials fired'));
          }
          await assert.rejects(exportAccountability(s.deps, who, w.caseId, { format: 'json', withSourceExposure: true }), { code: 'Forbidden' });
          for (const word of secretWords) assert.ok(!JSON.stringify(dash).includes(word));
        }
        await assert.rejects(createProceeding(s.deps, w.as.alice, w.caseId, { ...base, type: 'charge', title: 'x', sourceExposure: true }), { code: 'Forbidden' });
        await assert.rejects(updateProceeding(s.deps, w.as.alice, s.exposure.id, { title: 'x' }), { code: 'NotFound' });
        await assert.rejects(createPerson(w.repos, w.as.alice, { caseId: w.caseId, role: 'other', pseudonym: 'S2', positions: [], isSource: true }), { code: 'Forbidden' });

        // The holder of the grant sees everything, but an export leaves it out unless chosen.
        assert.equal((await listProceedings(s.deps, w.as.sara, w.caseId)).length, 3);
        assert.equal((await listPersons(s.deps, w.as.sara, w.caseId)).length, 2);
        assert.equal((await getProceeding(s.deps, w.as.sara, s.exposure.id)).events[0]!.claims.length, 1);
        assert.ok(!(await exportAccountability(s.deps, w.as.sara, w.caseId, { format: 'csv' })).body.includes('Whistleblower'));
        const full = await exportAccountability(s.deps, w.as.sara, w.caseId, { format: 'json', withSourceExposure: true });
        assert.ok(full.body.includes('Whistleblower arrested in absentia'));

        // The ledger (read by every member in the case ledger view) holds neither the title nor the pseudonym.
        const text = JSON.stringify(await w.entries());
        for (const word of secretWords) assert.ok(!text.includes(word), `the ledger must not hold "${word}"`);
      }));

    it('imports a file in one transaction, idempotently, and names the failing record', () =>
      withDocWorld(kind, async (w) => {
        const file: ImportFile = {
          format: 'custodia-accountability/1',
          label: 'Demonstration data',
          sources: [{ key: 'report', kind: 'web-page', title: 'Officials fired', publisher: 'News', url: 'https://example.org/a', publishedOn: null, retrievedAt: '2026-11-30T00:00:00Z', capturedCopy: 'r.txt' }],
          persons: [
            { key: 'head', role: 'official', pseudonym: 'Head', protected: null, isSource: false, positions: [{ facility: 'FSIN Saratov region', unit: null, rank: null, title: 'Head of the regional prison service', from: '2019', to: null, claims: [{ source: 'report', quote: 'head of the regional prison service', confidence: 'high' }] }] },
            { key: 'wb', role: 'other', pseudonym: 'Source', protected: null, isSource: true, positions: [] },
          ],
          proceedings: [
            { key: 'fired', type: 'dismissal', title: '18 officials fired', subjects: [], unnamedSubjects: 18, authority: 'FSIN Saratov region', legalArticle: null, facility: 'Saratov prison tuberculosis hospital', sourceExposure: false,
              events: [{ on: null, status: 'announced', summary: 'Announced.', claims: [{ source: 'report', quote: '18 officials had been fired', confidence: 'high' }] }] },
            { key: 'dropped', type: 'case-dismissed', title: 'Case against the source dropped', subjects: ['wb'], unnamedSubjects: 0, sourceExposure: true, events: [{ on: '2026-11', status: 'closed', summary: 'Dropped.', claims: [] }] },
          ],
        };
        const captured = new Map([['report', { itemId: w.items[0]!.id, sha256: w.items[0]!.sha256, text: REPORT }]]);
        const caseAdmin = { ...w.as.admin, access: async () => ({ role: 'admin' as const, grants: ['protected-identities', 'source-identity'] }) };
        const deps = { ...w.repos, texts: texts(w) };
        const before = (await w.entries()).length;

        const bad = structuredClone(file);
        bad.proceedings[0]!.events[0]!.claims[0]!.quote = '19 officials had been fired';
        await assert.rejects(importAccountability(deps, caseAdmin, w.caseId, bad, captured, 'a'.repeat(64)), (e: Error & { details?: { where?: string } }) => {
          assert.match(e.message, /^proceedings\[0\] "fired" events\[0\] claims\[0\]: the quote "19 officials had been fired" does not occur verbatim/);
          return true;
        });
        const unknown = structuredClone(file);
        unknown.proceedings[1]!.subjects = ['nobody'];
        await assert.rejects(importAccountability(deps, caseAdmin, w.caseId, unknown, captured, 'a'.repeat(64)), /proceedings\[1\] "dropped" subjects\[0\]: no person with the key "nobody"/);
        await assert.rejects(importAccountability(deps, w.as.alice, w.caseId, file, captured, 'a'.repeat(64)), { code: 'Forbidden' });
        assert.equal((await w.entries()).length, before, 'nothing is written when the file is refused');

        const first = await importAccountability(deps, caseAdmin, w.caseId, file, captured, 'a'.repeat(64));
        assert.deepEqual(first!.created, { sources: 1, persons: 2, proceedings: 2, events: 2, claims: 2, facilities: 2 });
        const again = await importAccountability(deps, caseAdmin, w.caseId, file, captured, 'a'.repeat(64));
        assert.deepEqual(again!.created, { sources: 0, persons: 0, proceedings: 0, events: 0, claims: 0, facilities: 0 });
        assert.deepEqual(again!.alreadyThere, { sources: 1, persons: 2, proceedings: 2 });

        const dash = await accountabilityDashboard(deps, w.as.olga, w.caseId);
        assert.equal(dash.label, 'Demonstration data');
        assert.deepEqual(dash.counts.map((c) => [c.outcome, c.unnamedSubjects]), [['dismissed', 18]]);
        const head = (await listPersons(deps, w.as.olga, w.caseId)).find((p) => p.pseudonym === 'Head')!;
        assert.deepEqual(head.positions.map((p) => [p.title, p.from]), [['Head of the regional prison service', '2019-01-01']]);
        assert.equal((await listProceedings(deps, w.as.sara, w.caseId)).length, 2);
        const imported = (await w.entries()).filter((e) => e.action === 'accountability-imported');
        assert.equal(imported.length, 1);
        assert.equal(imported[0]!.actor, 'user:admin');
      }));
  });
}
