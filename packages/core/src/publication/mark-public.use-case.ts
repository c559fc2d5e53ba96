import { actorOf, requireCaseRole, type Caller } from '../access/caller.js';
import { contentHash, uniqueSorted } from '../access/ledger-note.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { IncidentRepo } from '../incidents/incident.types.js';
import type { Publication, PublicationMark, PublicationRepo } from './publication.types.js';

export const PUBLIC_TITLE_MAX = 300;
export const PUBLIC_SUMMARY_MAX = 5000;

/**
 * Marks a verified incident public (coordinators and above): a public title and summary written for
 * publication, and the approved redactions of its evidence to publish with it. Marking again
 * replaces the mark. Ledgered with the user; the public text goes in as a hash.
 */
export async function markPublic(
  deps: { incidents: IncidentRepo; publication: PublicationRepo },
  caller: Caller,
  incidentId: number,
  input: PublicationMark & { expectedVersion?: number },
): Promise<Publication> {
  const incident = await deps.incidents.incident(incidentId);
  if (!incident) throw notFound(`no incident ${incidentId}`);
  await requireCaseRole(caller, incident.caseId, 'coordinator');
  if (incident.status !== 'verified') {
    throw conflict(`incident ${incidentId} is ${incident.status}: only a verified incident can be published`);
  }
  const title = input.title.trim();
  const summary = input.summary.trim();
  if (!title) throw invalid('the public title is empty', { where: 'title' });
  if (title.length > PUBLIC_TITLE_MAX) throw invalid(`the public title is longer than ${PUBLIC_TITLE_MAX} characters`, { where: 'title' });
  if (!summary) throw invalid('the public summary is empty', { where: 'summary' });
  if (summary.length > PUBLIC_SUMMARY_MAX) throw invalid(`the public summary is longer than ${PUBLIC_SUMMARY_MAX} characters`, { where: 'summary' });
  if (incident.description.trim() && summary === incident.description.trim()) {
    throw invalid('the public summary is the internal description: write one for publication', { where: 'summary' });
  }

  const cited = new Set((await deps.incidents.segments(incidentId)).map((s) => s.itemId));
  const publishable = new Map((await deps.publication.publishableRedactions(incident.caseId)).map((r) => [r.id, r]));
  const redactionIds = [...new Set(input.redactionIds)].sort((a, b) => a - b);
  for (const [i, id] of redactionIds.entries()) {
    const r = publishable.get(id);
    if (!r) throw invalid(`redaction ${id} is not an approved, rendered redaction of this case`, { where: `redactionIds.${i}` });
    if (!cited.has(r.itemId)) throw invalid(`redaction ${id} is of item ${r.itemId}, which incident ${incidentId} does not cite`, { where: `redactionIds.${i}` });
  }
  const outputs = redactionIds.map((id) => publishable.get(id)!.outputSha256);
  return deps.publication.mark(
    incidentId,
    incident.caseId,
    { title, summary, redactionIds },
    input.expectedVersion ?? null,
    caller.userId,
    actorOf(caller),
    {
      action: 'incident-marked-public',
      subjects: uniqueSorted(outputs),
      details: { case: incident.caseId, incident: incidentId, incidentVersion: incident.version, redactions: redactionIds, publicTextSha256: contentHash({ title, summary }) },
    },
  );
}
