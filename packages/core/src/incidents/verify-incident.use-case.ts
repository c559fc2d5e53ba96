import type { Caller } from '../access/caller.js';
import { applyReview, type ReviewInput } from './apply-review.js';
import type { Incident, IncidentRepo } from './incident.types.js';

/** Verifies an incident under review: a reviewer or above who neither created nor submitted it, with the whole Berkeley Protocol checklist done and a confidence level. */
export function verifyIncident(deps: { incidents: IncidentRepo }, caller: Caller, id: number, input: ReviewInput = {}): Promise<Incident> {
  return applyReview(deps, caller, id, 'verify', input);
}
