import { actorOf, requireCaseRole, seesSource, type Caller } from '../access/caller.js';
import type { AnnotationRepo } from '../annotations/annotation.types.js';
import type { ItemLookup } from '../annotations/item-lookup.port.js';
import { conflict, invalid, notFound } from '../errors.js';
import { contentOf, incidentNote } from './incident-note.js';
import type { EvidenceSegment, IncidentRepo } from './incident.types.js';

/** Links a time range of an item of the same case to an incident as its evidence. */
export async function addSegment(
  deps: { incidents: IncidentRepo; items: ItemLookup; annotations: AnnotationRepo },
  caller: Caller,
  incidentId: number,
  input: { itemId: number; startSec: number; endSec: number; annotationId: number | null },
): Promise<EvidenceSegment> {
  const inc = await deps.incidents.incident(incidentId);
  if (!inc) throw notFound(`no incident ${incidentId}`);
  const access = await requireCaseRole(caller, inc.caseId, 'analyst');
  if (inc.status !== 'unreviewed') throw conflict(`incident ${incidentId} is ${inc.status}: reopen it before changing its evidence`, { where: 'status' });
  const [item] = await deps.items.itemRefs([input.itemId]);
  if (!item || item.caseId !== inc.caseId || (item.protected && !seesSource(access))) throw invalid(`no item ${input.itemId} in this case`, { where: 'itemId' });
  if (!(input.startSec >= 0) || !(input.endSec >= input.startSec)) throw invalid('a segment needs 0 ≤ startSec ≤ endSec', { where: 'endSec' });
  if (input.annotationId !== null) {
    const a = await deps.annotations.annotation(input.annotationId);
    if (!a || a.deleted || a.itemId !== item.id) throw invalid(`no annotation ${input.annotationId} on item ${item.id}`, { where: 'annotationId' });
  }
  const before = await deps.incidents.segments(incidentId);
  const after = [...before, { itemId: item.id, sha256: item.sha256, startSec: input.startSec, endSec: input.endSec }];
  return deps.incidents.addSegment(incidentId, inc.version, input, caller.userId, actorOf(caller), (segmentId) =>
    incidentNote('incident-evidence-added', inc.caseId, incidentId, inc.version + 1, contentOf(inc), after, {
      segment: segmentId,
      item: item.id,
      startSec: input.startSec,
      endSec: input.endSec,
      annotation: input.annotationId,
    }),
  );
}
