import { requireItemRole } from '../access/item-access.js';
import { requireCaseRole, type Caller } from '../access/caller.js';
import type { ItemLookup } from '../annotations/item-lookup.port.js';
import { notFound } from '../errors.js';
import { suggestFaceBoxes } from './face-tracks.js';
import type { RedactionBox } from './redaction-recipe.js';
import type { FaceDetectionsSource } from './redaction.types.js';

/** Keyframed boxes over the faces detected in an item's original (none when faces were not detected). */
export async function suggestRedactionBoxes(deps: { items: ItemLookup; faces: FaceDetectionsSource }, caller: Caller, itemId: number, opts: { padding?: number } = {}): Promise<{ boxes: RedactionBox[]; detections: number; sampleFps: number | null }> {
  const [item] = await deps.items.itemRefs([itemId]);
  if (!item) throw notFound(`no item ${itemId}`);
  await requireItemRole(caller, item, 'observer');
  const run = item.sha256 ? await deps.faces.facesOfBlob(item.sha256) : null;
  if (!run) return { boxes: [], detections: 0, sampleFps: null };
  const boxes = suggestFaceBoxes(run.faces, { sampleFps: run.sampleFps, durationSec: run.durationSec, ...(opts.padding !== undefined ? { padding: opts.padding } : {}) });
  return { boxes, detections: run.faces.length, sampleFps: run.sampleFps };
}
