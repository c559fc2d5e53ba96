import { requireMember, type Caller } from '../access/caller.js';
import { normaliseOverlayLabel, type Facility, type FacilityRepo } from './facility.types.js';

/**
 * The camera whose overlay label matches what OCR read from a recording's picture, or null when
 * none or several do (an ambiguous match is no match: a wrong camera misplaces an incident).
 * Without a caller it serves the pipeline (no user involved).
 */
export async function matchCamera(repo: FacilityRepo, ocrLabel: string, caller?: Caller): Promise<Facility | null> {
  if (caller) await requireMember(caller);
  const norm = normaliseOverlayLabel(ocrLabel);
  if (!norm) return null;
  const found = await repo.camerasByLabel(norm);
  return found.length === 1 ? found[0]! : null;
}
