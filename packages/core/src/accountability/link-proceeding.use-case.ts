import { actorOf, type Caller } from '../access/caller.js';
import { invalid } from '../errors.js';
import type { IncidentRepo } from '../incidents/incident.types.js';
import { visibleProceeding, type AccountabilityDeps } from './accountability-access.js';
import type { ProceedingLink } from './accountability.types.js';

export type LinkTarget = { incidentId: number } | { itemId: number; startSec: number | null; endSec: number | null };

/** Relates a proceeding to an incident or to a segment of an evidence item of the case; ledgered. */
export async function linkProceeding(deps: AccountabilityDeps & { incidents: IncidentRepo }, caller: Caller, proceedingId: number, target: LinkTarget): Promise<ProceedingLink> {
  const { proceeding: p, view } = await visibleProceeding(deps, caller, proceedingId, 'analyst');
  const actor = actorOf(caller);
  if ('incidentId' in target) {
    const inc = await deps.incidents.incident(target.incidentId);
    if (!inc || inc.caseId !== p.caseId) throw invalid(`no incident ${target.incidentId} in this case`, { where: 'incidentId' });
    return deps.accountability.addLink(p.id, { incidentId: inc.id, itemId: null, startSec: null, endSec: null }, caller.userId, actor, (id) => ({
      action: 'proceeding-linked',
      subjects: [],
      details: { case: p.caseId, proceeding: p.id, link: id, incident: inc.id },
    }));
  }
  const item = await deps.accountability.caseItem(p.caseId, target.itemId);
  if (!item || (item.protected && !view.seesSource)) throw invalid(`no item ${target.itemId} in this case`, { where: 'itemId' });
  const { startSec, endSec } = target;
  if ((startSec === null) !== (endSec === null)) throw invalid('a segment has both a start and an end, or neither', { where: 'endSec' });
  if (startSec !== null && endSec !== null && (startSec < 0 || endSec < startSec)) throw invalid('a segment ends after it starts', { where: 'endSec' });
  return deps.accountability.addLink(p.id, { incidentId: null, itemId: item.id, startSec, endSec }, caller.userId, actor, (id) => ({
    action: 'proceeding-linked',
    subjects: item.sha256 ? [item.sha256] : [],
    details: { case: p.caseId, proceeding: p.id, link: id, item: item.id, startSec, endSec },
  }));
}
