import { actorOf, type Caller } from '../access/caller.js';
import { notFound } from '../errors.js';
import { shownLinks, visibleProceeding, type AccountabilityDeps } from './accountability-access.js';

/** Removes a link of a proceeding to an incident or a segment (kept, marked removed); analysts and above; ledgered. */
export async function unlinkProceeding(deps: AccountabilityDeps, caller: Caller, linkId: number): Promise<{ proceedingId: number }> {
  const link = await deps.accountability.link(linkId);
  if (!link) throw notFound(`no link ${linkId}`);
  let found;
  try {
    found = await visibleProceeding(deps, caller, link.proceedingId, 'analyst');
  } catch (err) {
    if ((err as { code?: string }).code === 'NotFound') throw notFound(`no link ${linkId}`);
    throw err;
  }
  if (shownLinks(found.view, [link]).length === 0) throw notFound(`no link ${linkId}`);
  const p = found.proceeding;
  await deps.accountability.removeLink(link.id, caller.userId, actorOf(caller), {
    action: 'proceeding-unlinked',
    subjects: [],
    details: { case: p.caseId, proceeding: p.id, link: link.id, ...(link.incidentId !== null ? { incident: link.incidentId } : { item: link.itemId }) },
  });
  return { proceedingId: p.id };
}
