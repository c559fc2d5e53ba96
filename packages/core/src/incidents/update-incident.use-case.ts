import { actorOf, requireCaseRole, seesSource, type Caller } from '../access/caller.js';
import { conflict, notFound } from '../errors.js';
import { checkIncident, type IncidentRefDeps } from './check-incident.js';
import { contentOf, incidentNote } from './incident-note.js';
import type { Incident, IncidentContent, IncidentRepo } from './incident.types.js';

/**
 * Edits an unreviewed incident (a new version). An incident under review or reviewed is not
 * edited: a review covers exactly what it saw, so it must be reopened first.
 */
export async function updateIncident(
  deps: IncidentRefDeps & { incidents: IncidentRepo },
  caller: Caller,
  id: number,
  change: Partial<IncidentContent>,
  expectedVersion?: number,
): Promise<Incident> {
  const current = await deps.incidents.incident(id);
  if (!current) throw notFound(`no incident ${id}`);
  const access = await requireCaseRole(caller, current.caseId, 'analyst');
  if (current.status !== 'unreviewed') throw conflict(`incident ${id} is ${current.status}: reopen it before changing it`, { where: 'status' });
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw conflict(`incident ${id} is at version ${current.version}, you edited version ${expectedVersion}: reload and try again`, { where: 'version' });
  }
  const merged: IncidentContent = { ...contentOf(current), ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) };
  const kept = new Set([...current.victimIds, ...current.perpetratorIds]);
  const content = await checkIncident(deps, current.caseId, merged, change.termIds !== undefined, { seesSource: seesSource(access), kept });
  const segments = await deps.incidents.segments(id);
  return deps.incidents.updateIncident(id, current.version, content, caller.userId, actorOf(caller),
    incidentNote('incident-changed', current.caseId, id, current.version + 1, content, segments));
}
