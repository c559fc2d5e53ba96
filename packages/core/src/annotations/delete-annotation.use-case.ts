import { actorOf, requireCaseRole, seesSource, type Caller } from '../access/caller.js';
import { conflict, notFound } from '../errors.js';
import { annotationNote } from './annotation-note.js';
import type { Annotation } from './annotation.types.js';
import type { AnnotationDeps } from './create-annotation.use-case.js';

/** A deletion is a last version marked deleted: the annotation leaves the lists, its history stays. */
export async function deleteAnnotation(deps: Pick<AnnotationDeps, 'annotations' | 'items'>, caller: Caller, id: number, expectedVersion?: number): Promise<Annotation> {
  const current = await deps.annotations.annotation(id);
  if (!current) throw notFound(`no annotation ${id}`);
  const access = await requireCaseRole(caller, current.caseId, 'analyst');
  if (current.deleted) throw conflict(`annotation ${id} was deleted already`);
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw conflict(`annotation ${id} is at version ${current.version}, not ${expectedVersion}: reload and try again`, { where: 'version' });
  }
  const [item] = await deps.items.itemRefs([current.itemId]);
  if (item?.protected && !seesSource(access)) throw notFound(`no annotation ${id}`);
  const { startSec, endSec, termIds, personIds, incidentId, note } = current;
  const content = { startSec, endSec, termIds, personIds, incidentId, note };
  return deps.annotations.writeVersion(id, current.version, content, true, caller.userId, actorOf(caller),
    annotationNote('annotation-deleted', item!, id, current.version + 1, content, true));
}
