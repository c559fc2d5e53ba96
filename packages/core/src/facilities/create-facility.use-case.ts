import { actorOf, requireCoordinator, type Caller } from '../access/caller.js';
import type { LedgerNote } from '../access/ledger-note.js';
import { invalid } from '../errors.js';
import type { TaxonomyRepo } from '../taxonomy/taxonomy.types.js';
import { ALLOWED_PARENTS, normaliseOverlayLabel, type Facility, type FacilityKind, type FacilityRepo, type NewFacility } from './facility.types.js';

export async function createFacility(deps: { facilities: FacilityRepo; taxonomy: TaxonomyRepo }, caller: Caller, input: NewFacility): Promise<Facility> {
  await requireCoordinator(caller);
  await checkPlacement(deps, input.kind, input.parentId, input.facilityTypeTermId, input.overlayLabel);
  if (input.parentId !== null && (await deps.facilities.facility(input.parentId))?.archived) {
    throw invalid(`facility ${input.parentId} is archived: restore it before adding to it`, { where: 'parentId' });
  }
  const norm = input.overlayLabel ? normaliseOverlayLabel(input.overlayLabel) : null;
  return deps.facilities.createFacility({ ...input, overlayLabelNorm: norm }, actorOf(caller), (id): LedgerNote => ({
    action: 'facility-created',
    subjects: [],
    details: { facility: id, kind: input.kind, name: input.name, parent: input.parentId, facilityType: input.facilityTypeTermId, overlayLabel: input.overlayLabel },
  }));
}

/** The tree's shape rules, shared by create and update. */
export async function checkPlacement(
  deps: { facilities: FacilityRepo; taxonomy: TaxonomyRepo },
  kind: FacilityKind,
  parentId: number | null,
  facilityTypeTermId: number | null,
  overlayLabel: string | null,
  self?: number,
): Promise<void> {
  const parent = parentId === null ? null : await deps.facilities.facility(parentId);
  if (parentId !== null && !parent) throw invalid(`no facility ${parentId} to be the parent`, { where: 'parentId' });
  if (!ALLOWED_PARENTS[kind].includes(parent?.kind ?? null)) {
    throw invalid(`a ${kind} cannot be placed ${parent ? `under a ${parent.kind}` : 'at the top'} (allowed: ${ALLOWED_PARENTS[kind].map((k) => k ?? 'top').join(', ')})`, { where: 'parentId' });
  }
  if (self !== undefined) {
    for (let p = parent; p; p = p.parentId === null ? null : await deps.facilities.facility(p.parentId)) {
      if (p.id === self) throw invalid('a facility cannot be placed under itself or one of its own parts', { where: 'parentId' });
    }
  }
  if (facilityTypeTermId !== null) {
    if (kind !== 'facility') throw invalid('only a facility has a facility type', { where: 'facilityTypeTermId' });
    const [t] = await deps.taxonomy.termsByIds([facilityTypeTermId]);
    if (!t || t.kind !== 'facility-type') throw invalid(`no facility-type term ${facilityTypeTermId}`, { where: 'facilityTypeTermId' });
  }
  if (overlayLabel !== null && kind !== 'camera') throw invalid('only a camera has an overlay label', { where: 'overlayLabel' });
}
