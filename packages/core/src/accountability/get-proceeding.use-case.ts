import type { Caller } from '../access/caller.js';
import { roleRank } from '../access/caller.js';
import { shownLinks, shownSource, visibleProceeding, type AccountabilityDeps } from './accountability-access.js';
import type { Claim, Proceeding, ProceedingEvent, ProceedingLink, Source } from './accountability.types.js';
import { compareTimeline } from './partial-date.js';

export interface ProceedingDetail {
  proceeding: Proceeding;
  /** The status timeline, in date order (unknown dates last), each event with its claims. */
  events: (ProceedingEvent & { claims: Claim[] })[];
  /** The sources its claims cite. */
  sources: Source[];
  links: ProceedingLink[];
  canEdit: boolean;
}

/** A proceeding with its timeline, claims, cited sources and links. Observers and above. */
export async function getProceeding(deps: AccountabilityDeps, caller: Caller, id: number): Promise<ProceedingDetail> {
  const { view, proceeding } = await visibleProceeding(deps, caller, id, 'observer');
  const events = (await deps.accountability.events([id])).sort(compareTimeline);
  const claims = await deps.accountability.claims({ eventIds: events.map((e) => e.id) });
  const sourceIds = new Set(claims.map((c) => c.sourceId));
  const sources = (await deps.accountability.sources(proceeding.caseId)).filter((s) => sourceIds.has(s.id)).map((s) => shownSource(view, s));
  return {
    proceeding,
    events: events.map((e) => ({ ...e, claims: claims.filter((c) => c.eventId === e.id) })),
    sources,
    links: shownLinks(view, await deps.accountability.links([id])),
    canEdit: roleRank(view.access.role) >= roleRank('analyst'),
  };
}
