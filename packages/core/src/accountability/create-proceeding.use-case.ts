import { actorOf, type Caller } from '../access/caller.js';
import type { FacilityRepo } from '../facilities/facility.types.js';
import { accountabilityView, type AccountabilityDeps } from './accountability-access.js';
import { proceedingNote } from './accountability-notes.js';
import type { Proceeding, ProceedingContent } from './accountability.types.js';
import { checkProceeding } from './check-proceeding.js';

/** Records a proceeding (analysts and above; a source-exposure one needs the source-identity grant); ledgered. */
export async function createProceeding(deps: AccountabilityDeps & { facilities: FacilityRepo }, caller: Caller, caseId: number, input: ProceedingContent): Promise<Proceeding> {
  const view = await accountabilityView(deps, caller, caseId, 'analyst');
  const c = await checkProceeding(deps, view, caseId, input);
  return deps.accountability.createProceeding(caseId, c, caller.userId, actorOf(caller), (id) => proceedingNote('proceeding-created', caseId, id, c, 1));
}
