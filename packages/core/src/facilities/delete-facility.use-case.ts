import { actorOf, requireCoordinator, type Caller } from '../access/caller.js';
import { conflict, notFound } from '../errors.js';
import type { FacilityRepo } from './facility.types.js';

/**
 * Deletes a facility node nothing refers to (no nodes under it, no person's position, no incident,
 * no camera link); one in use is refused with what uses it, so nothing documented loses its place.
 * Ledgered with the node's last name and place.
 */
export async function deleteFacility(deps: { facilities: FacilityRepo }, caller: Caller, id: number): Promise<void> {
  await requireCoordinator(caller);
  const f = await deps.facilities.facility(id);
  if (!f) throw notFound(`no facility ${id}`);
  const uses = await deps.facilities.facilityUses(id);
  const said = Object.entries(uses).filter(([, n]) => n > 0).map(([what, n]) => `${n} ${what}`);
  if (said.length > 0) throw conflict(`"${f.name}" is in use (${said.join(', ')}): rename or move it instead`, { where: 'facility', uses });
  await deps.facilities.deleteFacility(id, actorOf(caller), {
    action: 'facility-deleted',
    subjects: [],
    details: { facility: id, kind: f.kind, name: f.name, parent: f.parentId },
  });
}
