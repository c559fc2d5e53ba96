import { actorOf, type Caller } from '../access/caller.js';
import { invalid } from '../errors.js';
import { visibleProceeding, type AccountabilityDeps } from './accountability-access.js';
import { eventNote } from './accountability-notes.js';
import type { EventContent, ProceedingEvent } from './accountability.types.js';
import { checkPartialDate } from './partial-date.js';

export function checkEvent(c: EventContent): EventContent {
  const summary = c.summary.trim();
  if (!summary) throw invalid('an event needs a summary', { where: 'summary' });
  return { on: checkPartialDate(c.on, 'on'), status: c.status, summary };
}

/** Adds an event (a date of the sources' precision, a status, a summary) to a proceeding's timeline; ledgered. */
export async function addEvent(deps: AccountabilityDeps, caller: Caller, proceedingId: number, input: EventContent): Promise<ProceedingEvent> {
  const { proceeding: p } = await visibleProceeding(deps, caller, proceedingId, 'analyst');
  const c = checkEvent(input);
  return deps.accountability.addEvent(proceedingId, c, caller.userId, actorOf(caller), (id) => eventNote('proceeding-event-added', p.caseId, p.id, id, c, p.sourceExposure, 1));
}
