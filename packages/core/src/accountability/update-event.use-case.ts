import { actorOf, type Caller } from '../access/caller.js';
import { conflict, notFound } from '../errors.js';
import { visibleProceeding, type AccountabilityDeps } from './accountability-access.js';
import { eventNote } from './accountability-notes.js';
import type { EventContent, ProceedingEvent } from './accountability.types.js';
import { checkEvent } from './add-event.use-case.js';

/** Changes an event of a proceeding's timeline (a new version); ledgered. */
export async function updateEvent(deps: AccountabilityDeps, caller: Caller, eventId: number, change: Partial<EventContent>, expectedVersion?: number): Promise<ProceedingEvent> {
  const e = await deps.accountability.event(eventId);
  if (!e) throw notFound(`no event ${eventId}`);
  const { proceeding: p } = await visibleProceeding(deps, caller, e.proceedingId, 'analyst');
  if (expectedVersion !== undefined && expectedVersion !== e.version) {
    throw conflict(`the event was changed meanwhile (version ${e.version}, you edited ${expectedVersion}): reload and try again`, { where: 'version' });
  }
  const c = checkEvent({ on: change.on !== undefined ? change.on : e.on, status: change.status ?? e.status, summary: change.summary ?? e.summary });
  return deps.accountability.updateEvent(eventId, e.version, c, actorOf(caller), eventNote('proceeding-event-changed', p.caseId, p.id, eventId, c, p.sourceExposure, e.version + 1));
}
