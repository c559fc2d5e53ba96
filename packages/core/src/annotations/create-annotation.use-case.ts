import { actorOf, requireCaseRole, seesSource, type Caller } from '../access/caller.js';
import { invalid, notFound } from '../errors.js';
import type { IncidentRepo } from '../incidents/incident.types.js';
import type { PersonRepo } from '../persons/person.types.js';
import type { TaxonomyRepo } from '../taxonomy/taxonomy.types.js';
import { annotationNote } from './annotation-note.js';
import type { Annotation, AnnotationContent, AnnotationRepo } from './annotation.types.js';
import { checkReferences, uniqueIds } from './check-references.js';
import type { ItemLookup } from './item-lookup.port.js';

export interface AnnotationDeps {
  annotations: AnnotationRepo;
  items: ItemLookup;
  taxonomy: TaxonomyRepo;
  persons: PersonRepo;
  incidents: IncidentRepo;
}

export async function createAnnotation(deps: AnnotationDeps, caller: Caller, itemId: number, input: AnnotationContent): Promise<Annotation> {
  const [item] = await deps.items.itemRefs([itemId]);
  if (!item) throw notFound(`no item ${itemId}`);
  const access = await requireCaseRole(caller, item.caseId, 'analyst');
  if (item.protected && !seesSource(access)) throw notFound(`no item ${itemId}`);
  const content = normaliseContent(input);
  await checkReferences(deps, item.caseId, { termIds: content.termIds, personIds: { personIds: content.personIds }, incidentId: content.incidentId }, { seesSource: seesSource(access) });
  return deps.annotations.createAnnotation(item.caseId, item.id, content, caller.userId, actorOf(caller), (id) =>
    annotationNote('annotation-created', item, id, 1, content),
  );
}

export function normaliseContent(c: AnnotationContent): AnnotationContent {
  if (!(c.startSec >= 0)) throw invalid('startSec must be 0 or more', { where: 'startSec' });
  if (!(c.endSec >= c.startSec)) throw invalid('endSec must not be before startSec', { where: 'endSec' });
  return { ...c, termIds: uniqueIds(c.termIds), personIds: uniqueIds(c.personIds), note: c.note.trim() };
}
