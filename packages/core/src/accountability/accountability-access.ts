import { requireCaseRole, seesSource, type Caller, type CaseAccess, type CaseRole } from '../access/caller.js';
import { notFound } from '../errors.js';
import type { PersonRepo } from '../persons/person.types.js';
import type { AccountabilityRepo, Proceeding, ProceedingLink, Source } from './accountability.types.js';

export interface AccountabilityDeps {
  accountability: AccountabilityRepo;
  persons: PersonRepo;
}

/**
 * What a caller may see of a case's accountability records. Without the `source-identity` grant,
 * source-exposure proceedings and the persons who are the source do not exist: not in lists,
 * counts, search, exports or the dashboard, and a direct request is answered "not found".
 */
export interface AccountabilityView {
  access: CaseAccess;
  seesSource: boolean;
  /** Ids of the case's persons who are the source, hidden from this caller (empty under the grant). */
  hiddenPersons: ReadonlySet<number>;
}

export async function accountabilityView(deps: AccountabilityDeps, caller: Caller, caseId: number, min: CaseRole): Promise<AccountabilityView> {
  const access = await requireCaseRole(caller, caseId, min);
  const sees = seesSource(access);
  const hidden = sees ? [] : (await deps.persons.persons(caseId, undefined, true)).filter((p) => p.isSource).map((p) => p.id);
  return { access, seesSource: sees, hiddenPersons: new Set(hidden) };
}

/** A proceeding as the caller may see it: subjects who are the source left out; null when hidden. */
export function shownProceeding(v: AccountabilityView, p: Proceeding): Proceeding | null {
  if (p.sourceExposure && !v.seesSource) return null;
  if (v.hiddenPersons.size === 0) return p;
  return { ...p, subjectIds: p.subjectIds.filter((id) => !v.hiddenPersons.has(id)) };
}

/**
 * A source as the caller may see it: a protected captured copy (ADR 0021) is absent without the
 * grant — the source then reads as one without a copy.
 */
export function shownSource(v: Pick<AccountabilityView, 'seesSource'>, s: Source): Source {
  if (v.seesSource || !s.copyProtected) return s;
  return { ...s, itemId: null, sha256: null, copyProtected: false };
}

/** Links to a protected item (ADR 0021) are absent without the grant. */
export const shownLinks = (v: Pick<AccountabilityView, 'seesSource'>, links: ProceedingLink[]): ProceedingLink[] =>
  v.seesSource ? links : links.filter((l) => !l.itemProtected);

/** A proceeding the caller may see, with at least role `min`, or not found. */
export async function visibleProceeding(deps: AccountabilityDeps, caller: Caller, id: number, min: CaseRole): Promise<{ view: AccountabilityView; proceeding: Proceeding }> {
  const p = await deps.accountability.proceeding(id);
  if (!p) throw notFound(`no proceeding ${id}`);
  const view = await accountabilityView(deps, caller, p.caseId, min);
  const shown = shownProceeding(view, p);
  if (!shown) throw notFound(`no proceeding ${id}`);
  return { view, proceeding: shown };
}
