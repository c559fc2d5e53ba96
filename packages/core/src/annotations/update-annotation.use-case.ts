import { actorOf, requireCaseRole, seesSource, type Caller } from '../access/caller.js';
import { conflict, notFound } from '../errors.js';
import { annotationNote } from './annotation-note.js';
import type { Annotation, AnnotationContent } from './annotation.types.js';
import { checkReferences } from './check-references.js';
import { normaliseContent, type AnnotationDeps } from './create-annotation.use-case.js';

/**
 * An edit writes a new version; the old ones stay. With `expectedVersion`, an edit made on a
 * version someone else has since replaced is refused rather than silently overwriting theirs.
 */
export async function updateAnnotation(
  deps: AnnotationDeps,
  caller: Caller,
  id: number,
  change: Partial<AnnotationContent>,
  expectedVersion?: number,
): Promise<Annotation> {
  const current = await deps.annotations.annotation(id);
  if (!current) throw notFound(`no annotation ${id}`);
  const access = await requireCaseRole(caller, current.caseId, 'analyst');
  if (current.deleted) throw conflict(`annotation ${id} was deleted`);
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw conflict(`annotation ${id} is at version ${current.version}, you edited version ${expectedVersion}: reload and try again`, { where: 'version' });
  }
  const content = normaliseContent({
    startSec: change.startSec ?? current.startSec,
    endSec: change.endSec ?? current.endSec,
    termIds: change.termIds ?? current.termIds,
    personIds: change.personIds ?? current.personIds,
    incidentId: change.incidentId === undefined ? current.incidentId : change.incidentId,
    note: change.note ?? current.note,
  });
  await checkReferences(deps, current.caseId, {
    termIds: change.termIds ? content.termIds : [],
    personIds: { personIds: content.personIds },
    incidentId: content.incidentId,
  }, { seesSource: seesSource(access), kept: new Set(current.personIds) });
  const [item] = await deps.items.itemRefs([current.itemId]);
  if (item?.protected && !seesSource(access)) throw notFound(`no annotation ${id}`);
  return deps.annotations.writeVersion(id, current.version, content, false, caller.userId, actorOf(caller),
    annotationNote('annotation-changed', item!, id, current.version + 1, content));
}
