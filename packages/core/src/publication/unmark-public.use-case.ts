import { actorOf, requireCaseRole, type Caller } from '../access/caller.js';
import { notFound } from '../errors.js';
import type { IncidentRepo } from '../incidents/incident.types.js';
import type { PublicationRepo } from './publication.types.js';

/** Withdraws an incident from publication (coordinators and above); the next site built leaves it out. Ledgered. */
export async function unmarkPublic(deps: { incidents: IncidentRepo; publication: PublicationRepo }, caller: Caller, incidentId: number): Promise<void> {
  const incident = await deps.incidents.incident(incidentId);
  if (!incident) throw notFound(`no incident ${incidentId}`);
  await requireCaseRole(caller, incident.caseId, 'coordinator');
  const pub = await deps.publication.publication(incidentId);
  if (!pub) throw notFound(`incident ${incidentId} is not marked public`);
  await deps.publication.unmark(incidentId, actorOf(caller), {
    action: 'incident-unmarked-public',
    subjects: [],
    details: { case: incident.caseId, incident: incidentId, version: pub.version },
  });
}
