import { requireCaseRole, seesSource, type Caller } from '../access/caller.js';
import type { ItemLookup } from '../annotations/item-lookup.port.js';
import { notFound } from '../errors.js';
import type { EvidenceSegment, Incident, IncidentRepo, IncidentStatus, Review, ReviewAction } from './incident.types.js';
import { allowedActions } from './review-rules.js';

export interface IncidentDetail {
  incident: Incident;
  segments: EvidenceSegment[];
  reviews: Review[];
  /** What the caller may do next, for the interface to offer exactly that. */
  allowedActions: ReviewAction[];
  canEdit: boolean;
}

export async function getIncident(deps: { incidents: IncidentRepo; items?: ItemLookup }, caller: Caller, id: number): Promise<IncidentDetail> {
  const incident = await deps.incidents.incident(id);
  if (!incident) throw notFound(`no incident ${id}`);
  const access = await requireCaseRole(caller, incident.caseId, 'observer');
  const [allSegments, reviews] = await Promise.all([deps.incidents.segments(id), deps.incidents.reviews(id)]);
  let segments = allSegments;
  // Segments of a protected item (ADR 0021) are absent without the source-identity grant.
  if (!seesSource(access) && deps.items && segments.length) {
    const hidden = new Set((await deps.items.itemRefs(segments.map((s) => s.itemId))).filter((r) => r.protected).map((r) => r.id));
    if (hidden.size) segments = segments.filter((s) => !hidden.has(s.itemId));
  }
  return {
    incident,
    segments,
    reviews,
    allowedActions: access.role === 'observer' ? [] : allowedActions(incident, access, caller.userId),
    canEdit: access.role !== 'observer' && incident.status === 'unreviewed',
  };
}

export async function listIncidents(deps: { incidents: IncidentRepo }, caller: Caller, caseId: number, filter: { status?: IncidentStatus; q?: string } = {}): Promise<Incident[]> {
  await requireCaseRole(caller, caseId, 'observer');
  return deps.incidents.incidents(caseId, filter);
}
