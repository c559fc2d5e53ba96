import { actorOf, requireCaseRole, seesSource, type Caller } from '../access/caller.js';
import { checkIncident, type IncidentRefDeps } from './check-incident.js';
import { incidentNote } from './incident-note.js';
import type { Incident, IncidentContent, IncidentRepo } from './incident.types.js';

export async function createIncident(deps: IncidentRefDeps & { incidents: IncidentRepo }, caller: Caller, caseId: number, input: IncidentContent): Promise<Incident> {
  const access = await requireCaseRole(caller, caseId, 'analyst');
  const content = await checkIncident(deps, caseId, input, true, { seesSource: seesSource(access) });
  return deps.incidents.createIncident(caseId, content, caller.userId, actorOf(caller), (id) =>
    incidentNote('incident-created', caseId, id, 1, content, [], { status: 'unreviewed' }),
  );
}
