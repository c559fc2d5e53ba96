import type { Caller } from '../access/caller.js';
import { accountabilityView } from './accountability-access.js';
import { buildReport, type OutcomeCount, type ReportDeps, type TimelineEntry } from './accountability-report.js';
import type { Outcome } from './outcome.js';

export interface AccountabilityDashboard {
  caseId: number;
  facilityId: number | null;
  label: string | null;
  counts: OutcomeCount[];
  timeline: TimelineEntry[];
  incidents: { outcome: Outcome; incidents: { id: number; title: string }[] }[];
}

/**
 * What the evidence changed, for a case or one facility or region of it: counts by outcome, the
 * timeline of events, and the incidents each outcome relates to. Observers and above; what the
 * caller may not see (the source's own legal exposure) is not counted.
 */
export async function accountabilityDashboard(deps: ReportDeps, caller: Caller, caseId: number, facilityId?: number): Promise<AccountabilityDashboard> {
  const view = await accountabilityView(deps, caller, caseId, 'observer');
  const r = await buildReport(deps, view, caseId, facilityId !== undefined ? { facilityId } : {});
  return { caseId, facilityId: facilityId ?? null, label: r.label, counts: r.counts, timeline: r.timeline, incidents: r.incidents };
}
