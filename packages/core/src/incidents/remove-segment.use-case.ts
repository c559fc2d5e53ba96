import { actorOf, requireCaseRole, type Caller } from '../access/caller.js';
import { conflict, notFound } from '../errors.js';
import { contentOf, incidentNote } from './incident-note.js';
import type { IncidentRepo } from './incident.types.js';

/** Unlinks a segment (kept in the table as removed, with who and when); `expectedVersion` refuses a stale edit. */
export async function removeSegment(deps: { incidents: IncidentRepo }, caller: Caller, incidentId: number, segmentId: number, expectedVersion?: number): Promise<void> {
  const inc = await deps.incidents.incident(incidentId);
  if (!inc) throw notFound(`no incident ${incidentId}`);
  await requireCaseRole(caller, inc.caseId, 'analyst');
  if (inc.status !== 'unreviewed') throw conflict(`incident ${incidentId} is ${inc.status}: reopen it before changing its evidence`, { where: 'status' });
  if (expectedVersion !== undefined && expectedVersion !== inc.version) {
    throw conflict(`the incident was changed meanwhile (version ${inc.version}, you saw ${expectedVersion}): reload and try again`, { where: 'version' });
  }
  const segments = await deps.incidents.segments(incidentId);
  const seg = segments.find((s) => s.id === segmentId);
  if (!seg) throw notFound(`no segment ${segmentId} in incident ${incidentId}`);
  const after = segments.filter((s) => s.id !== segmentId);
  const note = incidentNote('incident-evidence-removed', inc.caseId, incidentId, inc.version + 1, contentOf(inc), after, { segment: segmentId, item: seg.itemId });
  // The removed evidence is a subject too: its custody history should show it was unlinked.
  if (seg.sha256 && !note.subjects.includes(seg.sha256)) note.subjects = [...note.subjects, seg.sha256].sort();
  await deps.incidents.removeSegment(incidentId, inc.version, segmentId, caller.userId, actorOf(caller), note);
}
