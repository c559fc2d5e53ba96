import { invalid } from '../errors.js';
import type { FacilityRepo } from '../facilities/facility.types.js';
import type { Position } from './person.types.js';

export async function checkPositions(facilities: FacilityRepo, positions: readonly Position[]): Promise<void> {
  for (const [i, p] of positions.entries()) {
    if (p.facilityId !== null && !(await facilities.facility(p.facilityId))) throw invalid(`no facility ${p.facilityId}`, { where: `positions.${i}.facilityId` });
    if (p.from && p.to && p.to < p.from) throw invalid('a position cannot end before it starts', { where: `positions.${i}.to` });
  }
}
