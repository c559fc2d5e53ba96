import { requireMember, type Caller } from '../access/caller.js';
import type { Facility, FacilityRepo } from './facility.types.js';

/**
 * The facilities tree is shared by all cases, but which places an organisation documents is itself
 * sensitive: only members of some case (or administrators) may read it.
 */
export async function listFacilities(repo: FacilityRepo, caller: Caller): Promise<Facility[]> {
  await requireMember(caller);
  return repo.facilities();
}
