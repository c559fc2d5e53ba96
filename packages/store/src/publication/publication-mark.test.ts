import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { addSegment, createIncident, getPublication, markPublic, submitIncident, unmarkPublic, verifyIncident, type Checklist } from '@custodia/core';
import type { Db } from '../db/db.js';
import { withDocWorld } from '../documentation/documentation-test.fixture.js';
import { publicSiteContent } from './site-content.js';
import { DB_KINDS } from '../testing/test-databases.js';

const done: Checklist = { source: { done: true, note: 'ok' }, technical: { done: true, note: 'ok' }, content: { done: true, note: 'ok' } };
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A redaction row as the redaction studio leaves it; approved ones by a second person, with an output blob. */
async function redaction(db: Db, caseId: number, item: { id: number; sha256: string }, status: 'approved' | 'rendered', by: { creator: number; reviewer: number }): Promise<{ id: number; output: string }> {
  const output = sha(`redacted ${item.id} ${status} ${Math.random()}`);
  await db.query('INSERT INTO blobs (sha256, size) VALUES ($1, 10)', [output]);
  const r = await db.query<{ id: number }>(
    `INSERT INTO redactions (case_id, item_id, source_sha256, title, recipe, recipe_sha256, status, output_sha256, created_by, rendered_by, reviewed_by, reviewed_at)
     VALUES ($1, $2, $3, 'faces blurred', '{"boxes":[]}', $4, $5, $6, $7, $7, $8, now()) RETURNING id`,
    [caseId, item.id, item.sha256, sha('recipe'), status, output, by.creator, status === 'approved' ? by.reviewer : null],
  );
  return { id: Number(r.rows[0]!.id), output };
}

const userId = async (db: Db, name: string) => Number((await db.query<{ id: number }>('SELECT id FROM users WHERE username = $1', [name])).rows[0]!.id);

for (const kind of DB_KINDS) {
  describe(`publication marks on ${kind}`, () => {
    it('only a coordinator marks a verified incident public, with approved redactions of its evidence; marking and unmarking are ledgered', () =>
      withDocWorld(kind, async (w) => {
        const deps = w.repos;
        const [alice, bob] = [await userId(w.db, 'alice'), await userId(w.db, 'bob')];
        const approved = await redaction(w.db, w.caseId, w.items[0]!, 'approved', { creator: alice, reviewer: bob });
        const unapproved = await redaction(w.db, w.caseId, w.items[0]!, 'rendered', { creator: alice, reviewer: bob });
        const otherItem = await redaction(w.db, w.caseId, w.items[1]!, 'approved', { creator: alice, reviewer: bob });
        const inc = await createIncident(deps, w.as.alice, w.caseId, {
          title: 'Internal: beating in unit 2', facilityId: null, cameraId: null, place: null, occurredFrom: '2021-03-04T02:10:00Z', occurredTo: null,
          timeSource: 'overlay', victimIds: [], perpetratorIds: [], termIds: [], description: 'INTERNAL DESCRIPTION',
        });
        await addSegment(deps, w.as.alice, inc.id, { itemId: w.items[0]!.id, startSec: 0, endSec: 5, annotationId: null });
        const mark = { title: 'Beating of a detainee', summary: 'A detainee is beaten in a corridor.', redactionIds: [approved.id] };

        // Not verified yet: refused even for the coordinator.
        await assert.rejects(markPublic(deps, w.as.cora, inc.id, mark), { code: 'Conflict', message: /only a verified incident/ });
        await submitIncident(deps, w.as.alice, inc.id);
        await verifyIncident(deps, w.as.bob, inc.id, { checklist: done, confidence: 'high' });

        // Roles: an analyst and a reviewer cannot; a stranger learns nothing.
        await assert.rejects(markPublic(deps, w.as.alice, inc.id, mark), { code: 'Forbidden' });
        await assert.rejects(markPublic(deps, w.as.bob, inc.id, mark), { code: 'Forbidden' });
        await assert.rejects(markPublic(deps, w.as.stranger, inc.id, mark), { code: 'NotFound' });
        // Only approved redactions of items the incident cites; public text written for the public.
        await assert.rejects(markPublic(deps, w.as.cora, inc.id, { ...mark, redactionIds: [unapproved.id] }), { code: 'Invalid', details: { where: 'redactionIds.0' } });
        await assert.rejects(markPublic(deps, w.as.cora, inc.id, { ...mark, redactionIds: [otherItem.id] }), { code: 'Invalid', message: /does not cite/ });
        await assert.rejects(markPublic(deps, w.as.cora, inc.id, { ...mark, summary: ' INTERNAL DESCRIPTION ' }), { code: 'Invalid', details: { where: 'summary' } });
        await assert.rejects(markPublic(deps, w.as.cora, inc.id, { ...mark, title: '  ' }), { code: 'Invalid', details: { where: 'title' } });

        const seen = await getPublication(deps, w.as.olga, inc.id);
        assert.equal(seen.publication, null);
        assert.deepEqual(seen.publishable.map((r) => r.id), [approved.id], 'only the approved redaction of a cited item is offered');
        assert.equal(seen.reason, 'role');

        const p = await markPublic(deps, w.as.cora, inc.id, mark);
        assert.deepEqual([p.title, p.summary, p.redactionIds, p.markedByName, p.version], [mark.title, mark.summary, [approved.id], 'cora', 1]);
        const again = await markPublic(deps, w.as.admin, inc.id, { ...mark, title: 'Beating of a detainee, March 2021', expectedVersion: 1 });
        assert.equal(again.version, 2);
        await assert.rejects(markPublic(deps, w.as.cora, inc.id, { ...mark, expectedVersion: 1 }), { code: 'Conflict' });
        assert.equal((await getPublication(deps, w.as.cora, inc.id)).canMark, true);

        await assert.rejects(unmarkPublic(deps, w.as.bob, inc.id), { code: 'Forbidden' });
        await unmarkPublic(deps, w.as.cora, inc.id);
        await assert.rejects(unmarkPublic(deps, w.as.cora, inc.id), { code: 'NotFound' });
        assert.equal((await getPublication(deps, w.as.cora, inc.id)).publication, null);

        const entries = (await w.entries()).filter((e) => e.action.includes('public'));
        assert.deepEqual(entries.map((e) => [e.action, e.actor]), [
          ['incident-marked-public', 'user:cora'],
          ['incident-marked-public', 'user:admin'],
          ['incident-unmarked-public', 'user:cora'],
        ]);
        assert.deepEqual(entries[0]!.subjects, [approved.output]);
        assert.equal(entries[0]!.details.incident, inc.id);
        // The public text goes to the ledger as a hash, not as text.
        assert.ok(!JSON.stringify(entries).includes('corridor'));

        // What the site reads: the public fields only, and only as the ledger recorded them.
        await markPublic(deps, w.as.cora, inc.id, mark);
        const content = await publicSiteContent(w.db, w.caseId);
        assert.deepEqual(content.incidents.map((i) => [i.id, i.title, i.summary, i.detainees, i.videos.map((v) => v.derivativeSha256)]), [[inc.id, mark.title, mark.summary, 0, [approved.output]]]);
        assert.ok(!JSON.stringify(content).includes('INTERNAL'), 'no internal field is read');
        await w.db.query(`UPDATE publications SET public_summary = 'A text nobody approved' WHERE incident_id = $1`, [inc.id]);
        await assert.rejects(publicSiteContent(w.db, w.caseId), { code: 'Integrity', message: /differs from what the ledger recorded/ });
        await w.db.query(`UPDATE publications SET public_summary = $2 WHERE incident_id = $1`, [inc.id, mark.summary]);
        await w.db.query(`UPDATE redactions SET status = 'rejected' WHERE id = $1`, [approved.id]);
        assert.deepEqual((await publicSiteContent(w.db, w.caseId)).skipped, [{ incident: inc.id, redaction: approved.id, reason: 'the redaction is no longer approved' }]);
      }));
  });
}
