import { actorOf, type Caller } from '../access/caller.js';
import { conflict } from '../errors.js';
import type { FacilityRepo } from '../facilities/facility.types.js';
import { visibleProceeding, type AccountabilityDeps } from './accountability-access.js';
import { proceedingNote } from './accountability-notes.js';
import type { Proceeding, ProceedingContent } from './accountability.types.js';
import { checkProceeding } from './check-proceeding.js';

/** Changes a proceeding (a new version; a stale `expectedVersion` is refused); ledgered. */
export async function updateProceeding(
  deps: AccountabilityDeps & { facilities: FacilityRepo },
  caller: Caller,
  id: number,
  change: Partial<ProceedingContent>,
  expectedVersion?: number,
): Promise<Proceeding> {
  const { view, proceeding: p } = await visibleProceeding(deps, caller, id, 'analyst');
  if (expectedVersion !== undefined && expectedVersion !== p.version) {
    throw conflict(`the proceeding was changed meanwhile (version ${p.version}, you edited ${expectedVersion}): reload and try again`, { where: 'version' });
  }
  // Subjects hidden from this caller (the source) stay as they are.
  const hiddenSubjects = (await deps.accountability.proceeding(id))!.subjectIds.filter((s) => view.hiddenPersons.has(s));
  const merged: ProceedingContent = {
    type: change.type ?? p.type,
    title: change.title ?? p.title,
    subjectIds: change.subjectIds ?? p.subjectIds,
    unnamedSubjects: change.unnamedSubjects ?? p.unnamedSubjects,
    authority: change.authority !== undefined ? change.authority : p.authority,
    legalArticle: change.legalArticle !== undefined ? change.legalArticle : p.legalArticle,
    facilityId: change.facilityId !== undefined ? change.facilityId : p.facilityId,
    sourceExposure: change.sourceExposure ?? p.sourceExposure,
  };
  const c = await checkProceeding(deps, view, p.caseId, merged);
  const stored = { ...c, subjectIds: [...c.subjectIds, ...hiddenSubjects] };
  return deps.accountability.updateProceeding(id, p.version, stored, actorOf(caller), proceedingNote('proceeding-changed', p.caseId, id, stored, p.version + 1));
}
