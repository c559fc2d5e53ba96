import type { Caller } from '../access/caller.js';
import { applyReview, type ReviewInput } from './apply-review.js';
import type { Incident, IncidentRepo } from './incident.types.js';

/** Sends an unreviewed incident for review (analyst or above). */
export function submitIncident(deps: { incidents: IncidentRepo }, caller: Caller, id: number, input: ReviewInput = {}): Promise<Incident> {
  return applyReview(deps, caller, id, 'submit', input);
}
