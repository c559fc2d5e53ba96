import { requireCaseRole, type Caller } from '../access/caller.js';
import { requireItemRole } from '../access/item-access.js';
import { notFound } from '../errors.js';
import type { Annotation, AnnotationRepo, AnnotationVersion } from './annotation.types.js';
import type { ItemLookup } from './item-lookup.port.js';

export async function listAnnotations(deps: { annotations: AnnotationRepo; items: ItemLookup }, caller: Caller, itemId: number, includeDeleted = false): Promise<Annotation[]> {
  const [item] = await deps.items.itemRefs([itemId]);
  if (!item) throw notFound(`no item ${itemId}`);
  await requireItemRole(caller, item, 'observer');
  return deps.annotations.annotationsOfItem(itemId, includeDeleted);
}

/** Every version of an annotation, oldest first: who changed what, when. */
export async function annotationHistory(deps: { annotations: AnnotationRepo }, caller: Caller, id: number): Promise<AnnotationVersion[]> {
  const current = await deps.annotations.annotation(id);
  if (!current) throw notFound(`no annotation ${id}`);
  await requireCaseRole(caller, current.caseId, 'observer');
  return deps.annotations.versions(id);
}
