import { actorOf, requireCoordinator, type Caller } from '../access/caller.js';
import { definedOnly } from '../access/ledger-note.js';
import { notFound } from '../errors.js';
import type { TaxonomyRepo } from '../taxonomy/taxonomy.types.js';
import { checkPlacement } from './create-facility.use-case.js';
import { normaliseOverlayLabel, type Facility, type FacilityChange, type FacilityRepo } from './facility.types.js';

export async function updateFacility(deps: { facilities: FacilityRepo; taxonomy: TaxonomyRepo }, caller: Caller, id: number, change: FacilityChange): Promise<Facility> {
  await requireCoordinator(caller);
  const f = await deps.facilities.facility(id);
  if (!f) throw notFound(`no facility ${id}`);
  await checkPlacement(
    deps,
    f.kind,
    change.parentId === undefined ? f.parentId : change.parentId,
    change.facilityTypeTermId === undefined ? f.facilityTypeTermId : change.facilityTypeTermId,
    change.overlayLabel === undefined ? f.overlayLabel : change.overlayLabel,
    id,
  );
  const norm = change.overlayLabel === undefined ? undefined : change.overlayLabel === null ? null : normaliseOverlayLabel(change.overlayLabel);
  return deps.facilities.updateFacility(id, { ...change, overlayLabelNorm: norm }, actorOf(caller), {
    action: 'facility-changed',
    subjects: [],
    details: { facility: id, changed: definedOnly({ name: change.name, parent: change.parentId, facilityType: change.facilityTypeTermId, overlayLabel: change.overlayLabel }) },
  });
}
