import type { Caller } from '../access/caller.js';
import { accountabilityView, shownSource, type AccountabilityDeps } from './accountability-access.js';
import type { Source } from './accountability.types.js';

/**
 * A case's sources. A source cited only about what the caller may not see (the source's own legal
 * exposure, the person who is the source) is not listed for them.
 */
export async function listSources(deps: AccountabilityDeps, caller: Caller, caseId: number): Promise<Source[]> {
  const view = await accountabilityView(deps, caller, caseId, 'observer');
  const sources = await deps.accountability.sources(caseId);
  if (view.seesSource) return sources;
  const visible = await deps.accountability.proceedings(caseId, { withSourceExposure: false });
  const visibleEvents = new Set((await deps.accountability.events(visible.map((p) => p.id))).map((e) => e.id));
  const claims = await deps.accountability.claims({ caseId });
  const shownClaim = (c: (typeof claims)[number]) => (c.eventId !== null ? visibleEvents.has(c.eventId) : !view.hiddenPersons.has(c.personId!));
  return sources
    .filter((s) => {
      const cited = claims.filter((c) => c.sourceId === s.id);
      return cited.length === 0 || cited.some(shownClaim);
    })
    .map((s) => shownSource(view, s));
}
