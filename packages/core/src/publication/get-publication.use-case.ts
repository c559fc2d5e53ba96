import { requireCaseRole, roleRank, type Caller } from '../access/caller.js';
import { notFound } from '../errors.js';
import type { IncidentRepo } from '../incidents/incident.types.js';
import type { Publication, PublicationRepo, PublishableRedaction } from './publication.types.js';

export interface PublicationDetail {
  publication: Publication | null;
  /** Approved redactions of the items the incident cites: what may be published with it. */
  publishable: PublishableRedaction[];
  /** True for a coordinator (or above) when the incident is verified. */
  canMark: boolean;
  /** Why marking is not possible now, when it is not. */
  reason: 'role' | 'not-verified' | null;
}

/** An incident's publication mark and what could be published with it (members of the case). */
export async function getPublication(deps: { incidents: IncidentRepo; publication: PublicationRepo }, caller: Caller, incidentId: number): Promise<PublicationDetail> {
  const incident = await deps.incidents.incident(incidentId);
  if (!incident) throw notFound(`no incident ${incidentId}`);
  const access = await requireCaseRole(caller, incident.caseId, 'observer');
  const items = [...new Set((await deps.incidents.segments(incidentId)).map((s) => s.itemId))];
  const [publication, publishable] = await Promise.all([deps.publication.publication(incidentId), deps.publication.publishableRedactions(incident.caseId, items)]);
  const reason = roleRank(access.role) < roleRank('coordinator') ? 'role' : incident.status !== 'verified' ? 'not-verified' : null;
  return { publication, publishable, canMark: reason === null, reason };
}

/** Publication marks of a case (members). */
export async function listPublications(deps: { publication: PublicationRepo }, caller: Caller, caseId: number): Promise<Publication[]> {
  await requireCaseRole(caller, caseId, 'observer');
  return deps.publication.publications(caseId);
}
