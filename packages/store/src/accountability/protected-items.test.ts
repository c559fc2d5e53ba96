import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addClaim, addEvent, createPerson, createProceeding, createSource, updateProceeding, updateSource, withdrawClaim, type SourceText } from '@custodia/core';
import { DB_KINDS } from '../testing/test-databases.js';
import { withDocWorld, type DocWorld } from '../documentation/documentation-test.fixture.js';

// Migration 031: the triggers that make a captured copy a protected item, whichever write makes it
// support a hidden record (ADR 0021).
const texts: SourceText = { textOf: async () => null };
const base = { subjectIds: [], unnamedSubjects: 0, authority: null, legalArticle: null, facilityId: null, sourceExposure: false };
const protectedIds = async (w: DocWorld) => (await w.db.query<{ item_id: number }>('SELECT item_id FROM protected_items ORDER BY item_id')).rows.map((r) => Number(r.item_id));
const source = (itemId: number | null) => ({ kind: 'document' as const, title: 'Copy', publisher: null, url: null, publishedOn: null, retrievedAt: null, itemId });

for (const kind of DB_KINDS) {
  describe(`protected captured copies on ${kind}`, () => {
    it('a claim about a hidden record, a proceeding turned into the exposure, a copy attached later, a person marked as the source', () =>
      withDocWorld(kind, async (w) => {
        const deps = { ...w.repos, texts };
        const [one, two] = w.items as [DocWorld['items'][number], DocWorld['items'][number]];
        // A person whose position a copy supports, marked as the source later (by any write path).
        const p = await createPerson(w.repos, w.as.sara, { caseId: w.caseId, role: 'official', pseudonym: 'Later the source', positions: [{ facilityId: null, title: 'Guard', from: null, to: null }] });
        const s0 = await createSource(deps, w.as.sara, w.caseId, source(two.id));
        await addClaim(deps, w.as.sara, { personId: p.id, positionIndex: 0 }, { sourceId: s0.id, quote: 'z', confidence: 'low' });
        assert.deepEqual(await protectedIds(w), []);
        await w.db.query('UPDATE persons SET is_source = true WHERE id = $1', [p.id]);
        assert.deepEqual(await protectedIds(w), [two.id]);
        // A visible dismissal cites item one: not protected.
        const s1 = await createSource(deps, w.as.sara, w.caseId, source(one.id));
        const fired = await createProceeding(deps, w.as.sara, w.caseId, { ...base, type: 'dismissal', title: 'Fired' });
        const e1 = await addEvent(deps, w.as.sara, fired.id, { on: null, status: 'dismissed', summary: 'x' });
        const c1 = await addClaim(deps, w.as.sara, { eventId: e1.id }, { sourceId: s1.id, quote: 'x', confidence: 'low' });
        assert.deepEqual(await protectedIds(w), [two.id]);
        // The proceeding turns out to be the source's own case: its cited copy becomes protected.
        await updateProceeding(deps, w.as.sara, fired.id, { sourceExposure: true }, fired.version);
        assert.deepEqual(await protectedIds(w), [one.id, two.id].sort((a, b) => a - b));
        // Withdrawing the claim does not lift it.
        await withdrawClaim(deps, w.as.sara, c1.id, null);
        assert.deepEqual(await protectedIds(w), [one.id, two.id].sort((a, b) => a - b));
        // A copy attached to a source already cited about the exposure is protected on attachment.
        await w.db.query('DELETE FROM protected_items WHERE item_id = $1', [one.id]);
        const s2 = await createSource(deps, w.as.sara, w.caseId, source(null));
        const e2 = await addEvent(deps, w.as.sara, fired.id, { on: null, status: 'opened', summary: 'y' });
        await w.db.query('DELETE FROM accountability_claim_versions');
        await w.db.query('UPDATE accountability_claims SET withdrawn_at = now() WHERE id = $1', [c1.id]);
        await w.db.query('DELETE FROM accountability_claims WHERE id = $1', [c1.id]);
        await w.db.query('DELETE FROM protected_items WHERE item_id = $1', [one.id]);
        await addClaim(deps, w.as.sara, { eventId: e2.id }, { sourceId: s2.id, quote: 'y', confidence: 'low' });
        assert.deepEqual(await protectedIds(w), [two.id]);
        await updateSource(deps, w.as.sara, s2.id, { itemId: one.id });
        assert.deepEqual(await protectedIds(w), [one.id, two.id].sort((a, b) => a - b));
      }));
  });
}
