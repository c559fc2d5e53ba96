import type { Facility, FacilityRepo } from '../facilities/facility.types.js';
import type { IncidentRepo } from '../incidents/incident.types.js';
import { shownLinks, shownSource, type AccountabilityDeps, type AccountabilityView } from './accountability-access.js';
import type { Claim, EventStatus, PartialDate, Proceeding, ProceedingEvent, ProceedingLink, ProceedingType, Source } from './accountability.types.js';
import { queryProceedings, type ProceedingQuery } from './list-proceedings.use-case.js';
import { OUTCOMES, outcomeOf, type Outcome } from './outcome.js';
import { compareTimeline } from './partial-date.js';

export type ReportDeps = AccountabilityDeps & { facilities: FacilityRepo; incidents: IncidentRepo };

export interface OutcomeCount {
  outcome: Outcome;
  proceedings: number;
  namedSubjects: number;
  unnamedSubjects: number;
}

export interface TimelineEntry {
  on: PartialDate;
  status: EventStatus;
  summary: string;
  eventId: number;
  proceedingId: number;
  proceedingTitle: string;
  type: ProceedingType;
  outcome: Outcome;
}

export interface ReportProceeding extends Proceeding {
  outcome: Outcome;
  facilityName: string | null;
  subjects: { id: number; pseudonym: string }[];
  events: (ProceedingEvent & { claims: Claim[] })[];
  links: ProceedingLink[];
}

export interface AccountabilityReport {
  caseId: number;
  label: string | null;
  proceedings: ReportProceeding[];
  sources: Source[];
  counts: OutcomeCount[];
  timeline: TimelineEntry[];
  /** For each outcome, the incidents its proceedings relate to. */
  incidents: { outcome: Outcome; incidents: { id: number; title: string }[] }[];
}

/** Everything the dashboard and the exports show, for what the view may see, in one scope. */
export async function buildReport(deps: ReportDeps, view: AccountabilityView, caseId: number, query: ProceedingQuery): Promise<AccountabilityReport> {
  const proceedings = await queryProceedings(deps, view, caseId, query);
  const ids = proceedings.map((p) => p.id);
  const events = (await deps.accountability.events(ids)).sort(compareTimeline);
  const claims = await deps.accountability.claims({ eventIds: events.map((e) => e.id) });
  const links = shownLinks(view, await deps.accountability.links(ids));
  const cited = new Set(claims.map((c) => c.sourceId));
  const sources = (await deps.accountability.sources(caseId)).filter((s) => cited.has(s.id)).map((s) => shownSource(view, s));
  const persons = new Map((await deps.persons.personsByIds([...new Set(proceedings.flatMap((p) => p.subjectIds))])).map((p) => [p.id, p.pseudonym]));
  const facilities = new Map<number, Facility>((await deps.facilities.facilities()).map((f) => [f.id, f]));

  const out: ReportProceeding[] = proceedings.map((p) => ({
    ...p,
    outcome: outcomeOf(p.type, p.latestStatus),
    facilityName: p.facilityId !== null ? (facilities.get(p.facilityId)?.name ?? null) : null,
    subjects: p.subjectIds.map((id) => ({ id, pseudonym: persons.get(id) ?? `#${id}` })),
    events: events.filter((e) => e.proceedingId === p.id).map((e) => ({ ...e, claims: claims.filter((c) => c.eventId === e.id) })),
    links: links.filter((l) => l.proceedingId === p.id),
  }));
  const byId = new Map(out.map((p) => [p.id, p]));

  const counts = OUTCOMES.map((outcome) => {
    const of = out.filter((p) => p.outcome === outcome);
    return {
      outcome,
      proceedings: of.length,
      namedSubjects: new Set(of.flatMap((p) => p.subjectIds)).size,
      unnamedSubjects: of.reduce((n, p) => n + p.unnamedSubjects, 0),
    };
  }).filter((c) => c.proceedings > 0);

  const timeline = events.map((e) => {
    const p = byId.get(e.proceedingId)!;
    return { on: e.on, status: e.status, summary: e.summary, eventId: e.id, proceedingId: p.id, proceedingTitle: p.title, type: p.type, outcome: p.outcome };
  });

  const incidentTitles = new Map<number, string>();
  for (const l of links) if (l.incidentId !== null) incidentTitles.set(l.incidentId, l.incidentTitle ?? `#${l.incidentId}`);
  const incidents = counts.map(({ outcome }) => {
    const seen = new Set(out.filter((p) => p.outcome === outcome).flatMap((p) => p.links.map((l) => l.incidentId).filter((x): x is number => x !== null)));
    return { outcome, incidents: [...seen].sort((a, b) => a - b).map((id) => ({ id, title: incidentTitles.get(id)! })) };
  });

  return { caseId, label: await deps.accountability.label(caseId), proceedings: out, sources, counts, timeline, incidents };
}
