import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CaseAccess } from '../access/caller.js';
import type { Incident } from './incident.types.js';
import { allowedActions, checklistGaps, refusal } from './review-rules.js';

const incident = (over: Partial<Incident>): Incident => ({
  id: 1, caseId: 1, title: 't', facilityId: null, cameraId: null, place: null, occurredFrom: null, occurredTo: null, timeSource: 'manual',
  victimIds: [], perpetratorIds: [], termIds: [], description: '', status: 'unreviewed', confidence: null,
  createdBy: 10, createdByName: 'alice', submittedBy: null, submittedByName: null, reviewedBy: null, reviewedByName: null,
  version: 1, createdAt: new Date(0), updatedAt: new Date(0), ...over,
});
const as = (role: CaseAccess['role']): CaseAccess => ({ role, grants: [] });

describe('review rules', () => {
  it('lets only a second person with the reviewer role or above verify or dispute', () => {
    const inReview = incident({ status: 'in-review', submittedBy: 11 });
    assert.match(refusal(inReview, as('admin'), 10, 'verify')!, /you created/);
    assert.match(refusal(inReview, as('coordinator'), 11, 'dispute')!, /you submitted/);
    assert.match(refusal(inReview, as('analyst'), 12, 'verify')!, /only a reviewer/);
    assert.equal(refusal(inReview, as('reviewer'), 12, 'verify'), null);
    assert.deepEqual(allowedActions(inReview, as('reviewer'), 12), ['verify', 'dispute', 'reopen']);
    assert.deepEqual(allowedActions(inReview, as('analyst'), 11), ['reopen']); // the submitter may withdraw it
    assert.deepEqual(allowedActions(inReview, as('analyst'), 10), []);
  });
  it('follows the states: unreviewed → in-review → verified | disputed → (reopen) unreviewed', () => {
    assert.deepEqual(allowedActions(incident({}), as('reviewer'), 12), ['submit']);
    assert.match(refusal(incident({ status: 'verified' }), as('reviewer'), 12, 'verify')!, /cannot be verified/);
    assert.deepEqual(allowedActions(incident({ status: 'verified' }), as('reviewer'), 12), ['reopen']);
    assert.deepEqual(allowedActions(incident({ status: 'disputed' }), as('analyst'), 10), []);
  });
  it('names the checklist parts not done', () => {
    assert.deepEqual(checklistGaps(null), ['source', 'technical', 'content']);
    assert.deepEqual(checklistGaps({ source: { done: true, note: '' }, technical: { done: false, note: '' }, content: { done: true, note: '' } }), ['technical']);
  });
});
