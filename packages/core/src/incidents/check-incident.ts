import { checkReferences, uniqueIds } from '../annotations/check-references.js';
import { invalid } from '../errors.js';
import type { FacilityRepo } from '../facilities/facility.types.js';
import type { PersonRepo } from '../persons/person.types.js';
import type { TaxonomyRepo } from '../taxonomy/taxonomy.types.js';
import type { IncidentContent } from './incident.types.js';

export interface IncidentRefDeps {
  taxonomy: TaxonomyRepo;
  persons: PersonRepo;
  facilities: FacilityRepo;
}

/** An incident's content, normalised and with every reference checked. */
export async function checkIncident(
  deps: IncidentRefDeps,
  caseId: number,
  c: IncidentContent,
  checkTerms = true,
  seen: { seesSource: boolean; kept?: ReadonlySet<number> } = { seesSource: true },
): Promise<IncidentContent> {
  const title = c.title.trim();
  if (!title) throw invalid('an incident needs a title', { where: 'title' });
  for (const [k, v] of [['occurredFrom', c.occurredFrom], ['occurredTo', c.occurredTo]] as const) {
    if (v !== null && Number.isNaN(Date.parse(v))) throw invalid(`${k} is not a date and time`, { where: k });
  }
  if (c.occurredFrom && c.occurredTo && Date.parse(c.occurredTo) < Date.parse(c.occurredFrom)) {
    throw invalid('occurredTo must not be before occurredFrom', { where: 'occurredTo' });
  }
  const content: IncidentContent = {
    ...c,
    title,
    place: c.place?.trim() || null,
    occurredFrom: c.occurredFrom ? new Date(c.occurredFrom).toISOString() : null,
    occurredTo: c.occurredTo ? new Date(c.occurredTo).toISOString() : null,
    victimIds: uniqueIds(c.victimIds),
    perpetratorIds: uniqueIds(c.perpetratorIds),
    termIds: uniqueIds(c.termIds),
    description: c.description.trim(),
  };
  await checkReferences(deps, caseId, {
    termIds: checkTerms ? content.termIds : [],
    personIds: { victimIds: content.victimIds, perpetratorIds: content.perpetratorIds },
  }, seen);
  for (const [k, id, kinds] of [['facilityId', content.facilityId, ['facility', 'unit']], ['cameraId', content.cameraId, ['camera']]] as const) {
    if (id === null) continue;
    const f = await deps.facilities.facility(id);
    if (!f || !(kinds as readonly string[]).includes(f.kind)) throw invalid(`no ${kinds.join(' or ')} ${id}`, { where: k });
  }
  return content;
}
