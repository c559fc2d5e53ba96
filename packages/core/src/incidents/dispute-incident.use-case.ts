import type { Caller } from '../access/caller.js';
import { applyReview, type ReviewInput } from './apply-review.js';
import type { Incident, IncidentRepo } from './incident.types.js';

/** Disputes an incident under review: the same people and checklist as verification, and a note saying why. */
export function disputeIncident(deps: { incidents: IncidentRepo }, caller: Caller, id: number, input: ReviewInput = {}): Promise<Incident> {
  return applyReview(deps, caller, id, 'dispute', input);
}
