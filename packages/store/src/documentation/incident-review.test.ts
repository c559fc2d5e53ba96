import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addSegment,
  createIncident,
  disputeIncident,
  getIncident,
  reopenIncident,
  submitIncident,
  updateIncident,
  verifyIncident,
  type Checklist,
  type IncidentContent,
} from '@custodia/core';
import { DB_KINDS } from '../testing/test-databases.js';
import { withDocWorld } from './documentation-test.fixture.js';
import { verifyDocumentation } from './documentation-verify.js';

const done = (note = 'checked'): Checklist => ({
  source: { done: true, note },
  technical: { done: true, note },
  content: { done: true, note },
});

const content = (termIds: number[]): IncidentContent => ({
  title: 'Beating in the corridor of unit 2',
  facilityId: null,
  cameraId: null,
  place: 'corridor, unit 2',
  occurredFrom: '2021-03-04T02:10:00Z',
  occurredTo: '2021-03-04T02:14:00Z',
  timeSource: 'overlay',
  victimIds: [],
  perpetratorIds: [],
  termIds,
  description: 'Трое сотрудников избивают заключённого дубинками.',
});

for (const kind of DB_KINDS) {
  describe(`incident review workflow on ${kind}`, () => {
    it('needs a second person with a complete checklist; disputes and reopens are ledgered with their actors', () =>
      withDocWorld(kind, async (w) => {
        const deps = { ...w.repos };
        const beating = (await w.repos.taxonomy.terms('ill-treatment')).find((t) => t.key === 'beating')!;
        const inc = await createIncident(deps, w.as.alice, w.caseId, content([beating.id]));
        assert.equal(inc.status, 'unreviewed');
        await assert.rejects(createIncident(deps, w.as.olga, w.caseId, content([])), { code: 'Forbidden' });
        await assert.rejects(createIncident(deps, w.as.stranger, w.caseId, content([])), { code: 'NotFound' });
        await assert.rejects(createIncident(deps, w.as.alice, w.caseId, content([999999])), { code: 'Invalid', details: { where: 'termIds.0' } });
        await addSegment(deps, w.as.alice, inc.id, { itemId: w.items[0]!.id, startSec: 12, endSec: 40, annotationId: null });
        await assert.rejects(addSegment(deps, w.as.alice, inc.id, { itemId: w.otherItem.id, startSec: 0, endSec: 1, annotationId: null }), { code: 'Invalid' });

        // The creator cannot verify, whatever their role; an analyst cannot verify at all.
        await submitIncident(deps, w.as.alice, inc.id);
        await assert.rejects(verifyIncident(deps, w.as.alice, inc.id, { checklist: done(), confidence: 'high' }), { code: 'Forbidden' });
        await assert.rejects(verifyIncident(deps, w.as.olga, inc.id, { checklist: done(), confidence: 'high' }), { code: 'Forbidden' });
        // An incomplete checklist is refused, naming the missing part.
        const partial = { ...done(), technical: { done: false, note: 'metadata not examined yet' } };
        await assert.rejects(verifyIncident(deps, w.as.bob, inc.id, { checklist: partial, confidence: 'high' }), {
          code: 'Invalid',
          details: { where: 'checklist.technical' },
        });
        await assert.rejects(verifyIncident(deps, w.as.bob, inc.id, { checklist: done() }), { code: 'Invalid', details: { where: 'confidence' } });
        // A reviewed incident is not edited behind its review's back.
        await assert.rejects(updateIncident(deps, w.as.alice, inc.id, { title: 'changed' }), { code: 'Conflict' });

        const verified = await verifyIncident(deps, w.as.bob, inc.id, { checklist: done(), confidence: 'high', note: 'matches the overlay clock' });
        assert.equal(verified.status, 'verified');
        assert.equal(verified.confidence, 'high');
        assert.equal(verified.reviewedByName, 'bob');
        await assert.rejects(verifyIncident(deps, w.as.carol, inc.id, { checklist: done(), confidence: 'low' }), { code: 'Conflict' });

        // Reopen (note required), edit, submit again by a reviewer, who then cannot verify it.
        await assert.rejects(reopenIncident(deps, w.as.carol, inc.id, {}), { code: 'Invalid', details: { where: 'note' } });
        await assert.rejects(reopenIncident(deps, w.as.alice, inc.id, { note: 'x' }), { code: 'Forbidden' });
        const reopened = await reopenIncident(deps, w.as.carol, inc.id, { note: 'a second recording shows more' });
        assert.equal(reopened.status, 'unreviewed');
        assert.equal(reopened.confidence, null);
        const edited = await updateIncident(deps, w.as.alice, inc.id, { description: 'Четверо сотрудников.' }, reopened.version);
        assert.equal(edited.version, reopened.version + 1);
        await assert.rejects(updateIncident(deps, w.as.alice, inc.id, { title: 'stale' }, reopened.version), { code: 'Conflict' });
        await submitIncident(deps, w.as.bob, inc.id);
        await assert.rejects(disputeIncident(deps, w.as.bob, inc.id, { checklist: done(), confidence: 'medium', note: 'x' }), { code: 'Forbidden' });
        await assert.rejects(disputeIncident(deps, w.as.carol, inc.id, { checklist: done(), confidence: 'medium' }), { code: 'Invalid', details: { where: 'note' } });
        const disputed = await disputeIncident(deps, w.as.carol, inc.id, { checklist: done(), confidence: 'medium', note: 'the clock is an hour off' });
        assert.equal(disputed.status, 'disputed');

        // The items browser sees the cited item's review state and the incident's text.
        const ix = (await w.db.query<{ review_state: string; tags: unknown[] }>('SELECT review_state, tags FROM item_index WHERE item_id = $1', [w.items[0]!.id])).rows[0]!;
        assert.equal(ix.review_state, 'disputed');
        assert.deepEqual(ix.tags.map(Number), [beating.id]);
        const hits = await w.db.query<{ item_id: number }>(`SELECT item_id FROM search_docs WHERE source = 'incident' AND tsv @@ custodia_search_query('сотрудник')`);
        assert.deepEqual(hits.rows.map((r) => r.item_id), [w.items[0]!.id]);

        const detail = await getIncident(deps, w.as.olga, inc.id);
        assert.deepEqual(detail.allowedActions, []);
        assert.deepEqual(detail.reviews.map((r) => [r.action, r.reviewerName, r.toStatus]), [
          ['submit', 'alice', 'in-review'],
          ['verify', 'bob', 'verified'],
          ['reopen', 'carol', 'unreviewed'],
          ['submit', 'bob', 'in-review'],
          ['dispute', 'carol', 'disputed'],
        ]);
        assert.deepEqual((await getIncident(deps, w.as.bob, inc.id)).allowedActions, ['reopen']);

        const entries = (await w.entries()).filter((e) => e.action.startsWith('incident-'));
        assert.deepEqual(entries.map((e) => [e.action, e.actor]), [
          ['incident-created', 'user:alice'],
          ['incident-evidence-added', 'user:alice'],
          ['incident-submitted', 'user:alice'],
          ['incident-verified', 'user:bob'],
          ['incident-reopened', 'user:carol'],
          ['incident-changed', 'user:alice'],
          ['incident-submitted', 'user:bob'],
          ['incident-disputed', 'user:carol'],
        ]);
        // Subjects are the hashes of the evidence the incident rests on; free text is not in the ledger.
        assert.deepEqual(entries.at(-1)!.subjects, [w.items[0]!.sha256]);
        assert.equal(entries.at(-1)!.details.case, w.caseId);
        for (const e of entries) assert.ok(!JSON.stringify(e).includes('Четверо'));
        const versions = await w.db.query<{ version: number }>('SELECT version FROM incident_versions WHERE incident_id = $1 ORDER BY version', [inc.id]);
        assert.deepEqual(versions.rows.map((r) => r.version), [1, 2, 3]);
        await assert.rejects(w.db.query('UPDATE incident_reviews SET note = $1', ['rewritten']), /append-only/);

        // The records match the ledger; a review rewritten behind the application's back is named.
        assert.deepEqual(await verifyDocumentation(w.db), []);
        await w.db.exec('ALTER TABLE incident_reviews DISABLE TRIGGER incident_reviews_append_only');
        await w.db.query("UPDATE incident_reviews SET confidence = 'low' WHERE action = 'verify'");
        const problems = await verifyDocumentation(w.db);
        assert.equal(problems.length, 1);
        assert.match(problems[0]!.where, new RegExp(`^review \\d+ of incident ${inc.id}$`));
        assert.match(problems[0]!.problem, /differ from what ledger entry #\d+ recorded/);
      }));
  });
}
