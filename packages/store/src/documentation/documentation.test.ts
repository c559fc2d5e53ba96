import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  annotationHistory,
  caseLedger,
  createAnnotation,
  createFacility,
  createIncident,
  createPerson,
  createTerm,
  deleteAnnotation,
  getPerson,
  identityCommitment,
  listAnnotations,
  listFacilities,
  listPersons,
  listTerms,
  matchCamera,
  updateAnnotation,
  updatePerson,
  updateTerm,
} from '@custodia/core';
import { DB_KINDS } from '../testing/test-databases.js';
import { withDocWorld } from './documentation-test.fixture.js';
import { verifyDocumentation } from './documentation-verify.js';

for (const kind of DB_KINDS) {
  describe(`documentation on ${kind}`, () => {
    it('seeds the taxonomy in English and Russian; coordinators edit it and the facilities tree; cameras match OCR labels', () =>
      withDocWorld(kind, async (w) => {
        const terms = await listTerms(w.repos.taxonomy);
        const byKey = new Map(terms.map((t) => [`${t.kind}/${t.key}`, t]));
        assert.equal(terms.filter((t) => t.kind === 'ill-treatment').length, 14);
        assert.equal(terms.filter((t) => t.kind === 'facility-type').length, 7);
        assert.deepEqual(byKey.get('ill-treatment/beating')!.labels, { en: 'Beating', ru: 'Избиение' });
        assert.equal(byKey.get('ill-treatment/dog-attacks')!.labels.ru, 'Травля собаками');
        assert.equal(byKey.get('facility-type/pre-trial-detention-centre')!.labels.ru, 'Следственный изолятор (СИЗО)');
        assert.equal(byKey.get('facility-type/penal-colony')!.labels.ru, 'Исправительная колония (ИК)');
        assert.equal(byKey.get('facility-type/temporary-detention-facility')!.labels.ru, 'Изолятор временного содержания (ИВС)');
        assert.equal(byKey.get('ill-treatment/sleep-deprivation')!.parentId, byKey.get('ill-treatment/deprivation')!.id);
        for (const t of terms) assert.ok(t.labels.en && t.labels.ru && t.builtIn);

        const labels = { en: 'Pepper spray', ru: 'Перцовый баллончик' };
        await assert.rejects(createTerm(w.repos.taxonomy, w.as.alice, { kind: 'ill-treatment', key: 'pepper-spray', labels, parentId: null }), { code: 'Forbidden' });
        const t = await createTerm(w.repos.taxonomy, w.as.cora, { kind: 'ill-treatment', key: 'pepper-spray', labels, parentId: null });
        await assert.rejects(createTerm(w.repos.taxonomy, w.as.cora, { kind: 'ill-treatment', key: 'pepper-spray', labels, parentId: null }), { code: 'Conflict' });
        await assert.rejects(updateTerm(w.repos.taxonomy, w.as.cora, byKey.get('ill-treatment/deprivation')!.id, { parentId: byKey.get('ill-treatment/sleep-deprivation')!.id }), {
          code: 'Invalid',
        });
        const archived = await updateTerm(w.repos.taxonomy, w.as.admin, t.id, { archived: true, labels: { ...labels, uk: 'Перцевий балончик' } });
        assert.equal(archived.labels.uk, 'Перцевий балончик');
        assert.ok(!(await listTerms(w.repos.taxonomy)).some((x) => x.id === t.id));

        const deps = { facilities: w.repos.facilities, taxonomy: w.repos.taxonomy };
        const region = await createFacility(deps, w.as.cora, { kind: 'region', name: 'Ярославская область', parentId: null, facilityTypeTermId: null, overlayLabel: null });
        const colony = await createFacility(deps, w.as.cora, {
          kind: 'facility', name: 'ИК-1', parentId: region.id, facilityTypeTermId: byKey.get('facility-type/penal-colony')!.id, overlayLabel: null,
        });
        await assert.rejects(createFacility(deps, w.as.cora, { kind: 'camera', name: 'cam', parentId: region.id, facilityTypeTermId: null, overlayLabel: null }), {
          code: 'Invalid', details: { where: 'parentId' },
        });
        await assert.rejects(createFacility(deps, w.as.alice, { kind: 'unit', name: 'x', parentId: colony.id, facilityTypeTermId: null, overlayLabel: null }), { code: 'Forbidden' });
        const unit = await createFacility(deps, w.as.cora, { kind: 'unit', name: 'Отряд 2', parentId: colony.id, facilityTypeTermId: null, overlayLabel: null });
        const cam = await createFacility(deps, w.as.cora, { kind: 'camera', name: 'Camera 3', parentId: unit.id, facilityTypeTermId: null, overlayLabel: 'КАМЕРА 3 ПОДЪЕЗД' });
        assert.equal((await matchCamera(w.repos.facilities, ' kamepa-3  подъезд '))?.id, cam.id);
        assert.equal(await matchCamera(w.repos.facilities, 'КАМЕРА 4'), null);
        assert.equal((await listFacilities(w.repos.facilities, w.as.olga)).length, 4);
        await assert.rejects(listFacilities(w.repos.facilities, w.as.stranger), { code: 'Forbidden' });
        await assert.rejects(matchCamera(w.repos.facilities, 'КАМЕРА 3', w.as.stranger), { code: 'Forbidden' });

        const entries = await w.entries();
        assert.deepEqual(entries.filter((e) => e.action.startsWith('term-') || e.action.startsWith('facility-')).map((e) => [e.action, e.actor]), [
          ['term-created', 'user:cora'],
          ['term-changed', 'user:admin'],
          ['facility-created', 'user:cora'],
          ['facility-created', 'user:cora'],
          ['facility-created', 'user:cora'],
          ['facility-created', 'user:cora'],
        ]);
      }));

    it('shows a protected identity only under the grant, in every path, and never writes it to the ledger', () =>
      withDocWorld(kind, async (w) => {
        const deps = w.repos;
        const secret = { realName: 'Сидоров Пётр Ильич', birthDate: '1987-02-03', notes: 'mother lives in Yaroslavl' };
        await assert.rejects(createPerson(deps, w.as.alice, { caseId: w.caseId, role: 'victim', pseudonym: 'V1', positions: [], protected: secret }), {
          code: 'Forbidden', details: { where: 'protected' },
        });
        const v1 = await createPerson(deps, w.as.gina, { caseId: w.caseId, role: 'victim', pseudonym: 'V1', positions: [], protected: secret });
        assert.deepEqual(v1.protected, secret);
        const officer = await createPerson(deps, w.as.alice, {
          caseId: w.caseId, role: 'perpetrator', pseudonym: 'Officer A', positions: [{ facilityId: null, title: 'duty officer', from: '2019-01-01', to: '2021-06-30' }],
        });
        assert.deepEqual(officer.positions, [{ facilityId: null, title: 'duty officer', from: '2019-01-01', to: '2021-06-30' }]);

        for (const who of [w.as.alice, w.as.olga, w.as.bob, w.as.admin]) {
          const list = await listPersons(deps, who, w.caseId);
          assert.equal(list.length, 2);
          for (const p of list) assert.ok(!('protected' in p), `${who.username} must not see protected fields`);
          assert.ok(!('protected' in (await getPerson(deps, who, v1.id))));
          assert.ok(!JSON.stringify(list).includes('Сидоров'));
          // Searching for the real name finds nothing, for anyone.
          assert.deepEqual(await listPersons(deps, who, w.caseId, 'Сидоров'), []);
        }
        assert.deepEqual(await listPersons(deps, w.as.gina, w.caseId, 'Сидоров'), []);
        assert.deepEqual((await listPersons(deps, w.as.alice, w.caseId, 'duty')).map((p) => p.pseudonym), ['Officer A']);
        await assert.rejects(getPerson(deps, w.as.stranger, v1.id), { code: 'NotFound' });
        assert.deepEqual((await getPerson(deps, w.as.gina, v1.id)).protected, secret);
        assert.deepEqual((await listPersons(deps, w.as.gina, w.caseId)).find((p) => p.id === v1.id)!.protected, secret);

        // Someone without the grant may edit the pseudonym but not the identity, and does not see it in the answer.
        await assert.rejects(updatePerson(deps, w.as.alice, v1.id, { protected: { realName: 'x', birthDate: null, notes: null } }), { code: 'Forbidden' });
        const renamed = await updatePerson(deps, w.as.alice, v1.id, { pseudonym: 'Victim 1' });
        assert.ok(!('protected' in renamed));
        assert.deepEqual((await getPerson(deps, w.as.gina, v1.id)).protected, secret);
        await assert.rejects(updatePerson(deps, w.as.alice, v1.id, { role: 'witness' }, 1), { code: 'Conflict' });

        // An incident naming the victim shows ids only; the annotations' notes and search hold no identity.
        await createIncident(deps, w.as.alice, w.caseId, {
          title: 'Victim 1 beaten', facilityId: null, cameraId: null, place: null, occurredFrom: null, occurredTo: null,
          timeSource: 'manual', victimIds: [v1.id], perpetratorIds: [officer.id], termIds: [], description: 'beaten',
        });
        const found = await w.repos.incidents.incidents(w.caseId, { q: 'Сидоров' });
        assert.equal(found.length, 0);

        const entries = await w.entries();
        const text = JSON.stringify(entries);
        for (const value of Object.values(secret)) assert.ok(!text.includes(value), `the ledger must not hold "${value}"`);
        const created = entries.find((e) => e.action === 'person-created' && e.details.person === v1.id)!;
        const salt = (await w.db.query<{ salt: Buffer }>('SELECT salt FROM person_identities WHERE person_id = $1', [v1.id])).rows[0]!.salt;
        assert.equal(created.details.identityCommitment, identityCommitment(secret, salt));
        assert.equal(created.actor, 'user:gina');
        const views = entries.filter((e) => e.action === 'identity-viewed');
        assert.ok(views.length >= 3 && views.every((e) => e.actor === 'user:gina'));

        // Erasing the identity leaves the ledger verifiable and the values gone.
        await updatePerson(deps, w.as.gina, v1.id, { protected: null });
        assert.ok(!('protected' in (await getPerson(deps, w.as.gina, v1.id))));
        assert.equal((await w.db.query('SELECT 1 FROM person_identities')).rows.length, 0);
      }));

    it('keeps every annotation version, refuses stale edits, finds notes in Russian and English, and shows the case ledger', () =>
      withDocWorld(kind, async (w) => {
        const deps = w.repos;
        const terms = await listTerms(w.repos.taxonomy, { kind: 'ill-treatment' });
        const beating = terms.find((t) => t.key === 'beating')!;
        const restraint = terms.find((t) => t.key === 'restraint')!;
        const item = w.items[0]!;
        const base = { startSec: 12.5, endSec: 31, termIds: [beating.id], personIds: [], incidentId: null, note: 'Заключённого избивают у стены' };
        await assert.rejects(createAnnotation(deps, w.as.olga, item.id, base), { code: 'Forbidden' });
        await assert.rejects(createAnnotation(deps, w.as.alice, item.id, { ...base, endSec: 3 }), { code: 'Invalid', details: { where: 'endSec' } });
        const a = await createAnnotation(deps, w.as.alice, item.id, base);
        assert.equal(a.version, 1);
        const b = await updateAnnotation(deps, w.as.bob, a.id, { termIds: [beating.id, restraint.id], note: 'Handcuffed prisoner beaten against the wall' }, 1);
        assert.equal(b.version, 2);
        assert.equal(b.createdByName, 'alice');
        assert.equal(b.updatedByName, 'bob');
        await assert.rejects(updateAnnotation(deps, w.as.alice, a.id, { note: 'stale' }, 1), { code: 'Conflict', details: { where: 'version' } });
        const other = await createAnnotation(deps, w.as.alice, item.id, { ...base, startSec: 50, endSec: 55, note: 'Охранник уходит' });
        await deleteAnnotation(deps, w.as.alice, other.id);
        assert.deepEqual((await listAnnotations(deps, w.as.olga, item.id)).map((x) => x.id), [a.id]);
        assert.equal((await listAnnotations(deps, w.as.olga, item.id, true)).length, 2);
        await assert.rejects(updateAnnotation(deps, w.as.alice, other.id, { note: 'back' }), { code: 'Conflict' });

        const history = await annotationHistory(deps, w.as.olga, a.id);
        assert.deepEqual(history.map((v) => [v.version, v.authorName, v.note]), [
          [1, 'alice', 'Заключённого избивают у стены'],
          [2, 'bob', 'Handcuffed prisoner beaten against the wall'],
        ]);
        await assert.rejects(w.db.query('UPDATE annotation_versions SET note = $1', ['rewritten']), /append-only/);
        assert.deepEqual(await verifyDocumentation(w.db), []);
        await w.db.query('UPDATE annotations SET note = $1 WHERE id = $2', ['they only talk', a.id]);
        assert.deepEqual(await verifyDocumentation(w.db), [{ where: `annotation ${a.id}`, problem: 'its current state is not its latest recorded version' }]);
        await w.db.exec('ALTER TABLE annotation_versions DISABLE TRIGGER annotation_versions_append_only');
        await w.db.query('UPDATE annotation_versions SET note = $1 WHERE annotation_id = $2 AND version = 2', ['they only talk', a.id]);
        assert.deepEqual((await verifyDocumentation(w.db)).map((p) => p.where), [`annotation ${a.id} version 2`]);
        await w.db.query('UPDATE annotations SET note = $1 WHERE id = $2', [b.note, a.id]);
        await w.db.query('UPDATE annotation_versions SET note = $1 WHERE annotation_id = $2 AND version = 2', [b.note, a.id]);
        await w.db.exec('ALTER TABLE annotation_versions ENABLE TRIGGER annotation_versions_append_only');

        // The items browser's index follows: notes are search documents of their item, merged into
        // the item's one search document (what the items browser searches); tags are the live annotations' terms.
        const itemsFound = async (q: string) => {
          const merged = (await w.db.query<{ item_id: number }>(
            `SELECT item_id FROM item_search WHERE case_id = $1 AND tsv @@ custodia_search_query($2) ORDER BY item_id`, [w.caseId, q],
          )).rows.map((r) => Number(r.item_id));
          const perSource = (await w.db.query<{ item_id: number }>(
            `SELECT DISTINCT item_id FROM search_docs WHERE case_id = $1 AND tsv @@ custodia_search_query($2) ORDER BY item_id`, [w.caseId, q],
          )).rows.map((r) => Number(r.item_id));
          assert.deepEqual(merged, perSource, `merged and per-source documents agree on "${q}"`);
          return merged;
        };
        assert.deepEqual(await itemsFound('prisoners'), [item.id]); // English stem of "prisoner"
        assert.deepEqual(await itemsFound('стены'), []); // the current version no longer says it
        assert.deepEqual(await itemsFound('охранники'), []); // Russian stem of «Охранник», but that annotation was deleted
        await createAnnotation(deps, w.as.alice, w.items[1]!.id, { ...base, note: 'Охранник уходит' });
        assert.deepEqual(await itemsFound('охранники'), [w.items[1]!.id]);
        const ix = (await w.db.query<{ tags: unknown[]; review_state: string }>('SELECT tags, review_state FROM item_index WHERE item_id = $1', [item.id])).rows[0]!;
        assert.deepEqual(ix.tags.map(Number).sort((x, y) => x - y), [beating.id, restraint.id].sort((x, y) => x - y));
        assert.equal(ix.review_state, 'annotated');

        // The ledger view: this case's documentation and the pipeline's entries about its blobs; nothing of another case.
        await w.db.transaction((tx) => w.ledger.append(tx, { actor: 'worker', action: 'probed', subjects: [item.sha256] }));
        await w.db.transaction((tx) => w.ledger.append(tx, { actor: 'worker', action: 'probed', subjects: [w.otherItem.sha256] }));
        await w.db.transaction((tx) => w.ledger.append(tx, { actor: 'user:x', action: 'viewed', subjects: [item.sha256], details: { case: w.otherCaseId } }));
        const view = await caseLedger(deps.ledgerView, w.as.olga, w.caseId);
        assert.deepEqual(view.map((e) => [e.action, e.actor]), [
          ['probed', 'worker'],
          ['annotation-created', 'user:alice'],
          ['annotation-deleted', 'user:alice'],
          ['annotation-created', 'user:alice'],
          ['annotation-changed', 'user:bob'],
          ['annotation-created', 'user:alice'],
        ]);
        assert.deepEqual(view[5]!.subjects, [item.sha256]);
        assert.equal(typeof view[5]!.details.contentSha256, 'string');
        assert.ok(!JSON.stringify(view).includes('избивают'));
        assert.deepEqual((await caseLedger(deps.ledgerView, w.as.olga, w.caseId, { limit: 2, before: view[1]!.seq })).map((e) => e.seq), [view[2]!.seq, view[3]!.seq]);
        assert.deepEqual((await caseLedger(deps.ledgerView, w.as.olga, w.caseId, { actor: 'user:bob' })).map((e) => e.action), ['annotation-changed']);
        await assert.rejects(caseLedger(deps.ledgerView, w.as.stranger, w.caseId), { code: 'NotFound' });

        // A note edited or deleted leaves the item's merged search document at once.
        assert.ok((await itemsFound('prisoners')).includes(item.id));
        const third = await createAnnotation(deps, w.as.alice, item.id, { ...base, startSec: 60, endSec: 65, note: 'Электрошокер в руке охранника' });
        assert.deepEqual(await itemsFound('электрошокер'), [item.id]);
        const third2 = await updateAnnotation(deps, w.as.alice, third.id, { note: 'Дубинка в руке охранника' }, 1);
        assert.deepEqual(await itemsFound('электрошокер'), []);
        assert.deepEqual(await itemsFound('дубинкой'), [item.id]);
        await deleteAnnotation(deps, w.as.alice, third2.id);
        assert.deepEqual(await itemsFound('дубинкой'), []);
        assert.deepEqual(await itemsFound('prisoners'), [item.id]);
      }));
  });
}
