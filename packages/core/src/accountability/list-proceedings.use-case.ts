import type { Caller } from '../access/caller.js';
import { invalid } from '../errors.js';
import type { FacilityRepo } from '../facilities/facility.types.js';
import { accountabilityView, shownProceeding, type AccountabilityDeps, type AccountabilityView } from './accountability-access.js';
import type { EventStatus, Proceeding, ProceedingType } from './accountability.types.js';
import { facilitiesUnder } from './facility-scope.js';

export interface ProceedingQuery {
  type?: ProceedingType;
  status?: EventStatus;
  personId?: number;
  /** A facility or a region: proceedings of it and of everything under it. */
  facilityId?: number;
  q?: string;
}

export async function queryProceedings(
  deps: AccountabilityDeps & { facilities: FacilityRepo },
  view: AccountabilityView,
  caseId: number,
  query: ProceedingQuery,
): Promise<Proceeding[]> {
  if (query.personId !== undefined && view.hiddenPersons.has(query.personId)) return [];
  let facilityIds: number[] | undefined;
  if (query.facilityId !== undefined) {
    const all = await deps.facilities.facilities();
    if (!all.some((f) => f.id === query.facilityId)) throw invalid(`no facility ${query.facilityId}`, { where: 'facilityId' });
    facilityIds = facilitiesUnder(all, query.facilityId);
  }
  const rows = await deps.accountability.proceedings(caseId, {
    ...(query.type ? { type: query.type } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.personId !== undefined ? { personId: query.personId } : {}),
    ...(facilityIds ? { facilityIds } : {}),
    ...(query.q?.trim() ? { q: query.q.trim() } : {}),
    withSourceExposure: view.seesSource,
  });
  return rows.map((p) => shownProceeding(view, p)).filter((p): p is Proceeding => p !== null);
}

/**
 * A case's proceedings, filtered by type, latest status, person, facility (or region) and words of
 * the title, authority, legal article or event summaries. Observers and above; without the
 * source-identity grant, source-exposure proceedings are not there at all.
 */
export async function listProceedings(deps: AccountabilityDeps & { facilities: FacilityRepo }, caller: Caller, caseId: number, query: ProceedingQuery = {}): Promise<Proceeding[]> {
  const view = await accountabilityView(deps, caller, caseId, 'observer');
  return queryProceedings(deps, view, caseId, query);
}
