import { actorOf, requireCoordinator, type Caller } from '../access/caller.js';
import { conflict, notFound } from '../errors.js';
import type { Facility, FacilityRepo } from './facility.types.js';

/**
 * Archives a facility node (hidden from the pickers of new documentation; everything that cites it
 * keeps naming it), or restores it. The nodes under an archived node are hidden with it; a node
 * cannot be restored under an archived parent (restore the parent first). Ledgered.
 */
export async function setFacilityArchived(deps: { facilities: FacilityRepo }, caller: Caller, id: number, archived: boolean): Promise<Facility> {
  await requireCoordinator(caller);
  const f = await deps.facilities.facility(id);
  if (!f) throw notFound(`no facility ${id}`);
  if (f.archived === archived) return f;
  if (!archived && f.parentId !== null) {
    const parent = await deps.facilities.facility(f.parentId);
    if (parent?.archived) throw conflict(`"${f.name}" is under the archived "${parent.name}": restore that first`, { where: 'facility' });
  }
  return deps.facilities.setArchived(id, archived, actorOf(caller), {
    action: archived ? 'facility-archived' : 'facility-restored',
    subjects: [],
    details: { facility: id, kind: f.kind, name: f.name },
  });
}
