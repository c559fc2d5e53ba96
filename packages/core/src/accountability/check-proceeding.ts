import { forbidden, invalid } from '../errors.js';
import type { FacilityRepo } from '../facilities/facility.types.js';
import type { AccountabilityDeps, AccountabilityView } from './accountability-access.js';
import type { ProceedingContent } from './accountability.types.js';

/** Subjects are persons of the case the caller can see; the facility exists; exposure needs the grant. */
export async function checkProceeding(
  deps: AccountabilityDeps & { facilities: FacilityRepo },
  view: AccountabilityView,
  caseId: number,
  c: ProceedingContent,
): Promise<ProceedingContent> {
  if (c.sourceExposure && !view.seesSource) throw forbidden('the source\'s own legal exposure needs the source-identity grant', { where: 'sourceExposure' });
  const title = c.title.trim();
  if (!title) throw invalid('a proceeding needs a title', { where: 'title' });
  const subjectIds = [...new Set(c.subjectIds)];
  const found = new Map((await deps.persons.personsByIds(subjectIds)).map((p) => [p.id, p]));
  for (const [i, id] of subjectIds.entries()) {
    const p = found.get(id);
    if (!p || p.caseId !== caseId || view.hiddenPersons.has(id)) throw invalid(`no person ${id} in this case`, { where: `subjectIds.${i}` });
  }
  if (!Number.isInteger(c.unnamedSubjects) || c.unnamedSubjects < 0) throw invalid('unnamed subjects are counted from 0', { where: 'unnamedSubjects' });
  if (c.facilityId !== null && !(await deps.facilities.facility(c.facilityId))) throw invalid(`no facility ${c.facilityId}`, { where: 'facilityId' });
  return { ...c, title, subjectIds };
}
