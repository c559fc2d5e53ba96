import type { Caller } from '../access/caller.js';
import { applyReview, type ReviewInput } from './apply-review.js';
import type { Incident, IncidentRepo } from './incident.types.js';

/** Takes an incident back to unreviewed so that it can be changed, with a note saying why; it must then be reviewed again. */
export function reopenIncident(deps: { incidents: IncidentRepo }, caller: Caller, id: number, input: ReviewInput = {}): Promise<Incident> {
  return applyReview(deps, caller, id, 'reopen', input);
}
