import type { Caller } from '../access/caller.js';
import { notFound } from '../errors.js';
import { accountabilityView, type AccountabilityDeps } from './accountability-access.js';
import type { Claim } from './accountability.types.js';

/** The claims supporting a person's positions (observers and above; the source only under the grant). */
export async function listPersonClaims(deps: AccountabilityDeps, caller: Caller, personId: number): Promise<Claim[]> {
  const [rec] = await deps.persons.personsByIds([personId]);
  if (!rec) throw notFound(`no person ${personId}`);
  const view = await accountabilityView(deps, caller, rec.caseId, 'observer');
  if (view.hiddenPersons.has(personId)) throw notFound(`no person ${personId}`);
  return deps.accountability.claims({ personIds: [personId] });
}
