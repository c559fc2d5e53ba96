import { requireItemRole } from '../access/item-access.js';
import { requireCaseRole, type Caller } from '../access/caller.js';
import type { ItemLookup } from '../annotations/item-lookup.port.js';
import { invalid, notFound } from '../errors.js';
import type { TimeSource } from './incident.types.js';

/** What a recording says about when it started: its burned-in clock (read by triage) and its file metadata. */
export interface ItemClocks {
  /** `clockJumps`: where the picture's clock jumps (an edit, a recorder restart), as triage found them. */
  clocksOf(itemId: number): Promise<{ overlayStart: Date | null; creationTime: string | null; clockJumps?: { atSec: number; bySec: number }[] }>;
}

/**
 * When something `atSec` seconds into a recording happened, for an incident's time: the overlay
 * clock when it was read (what the camera itself showed), else the file's creation time (which DVR
 * exports often reset), else unknown — and which of the two it came from.
 */
export async function timeAt(
  deps: { items: ItemLookup; clocks: ItemClocks },
  caller: Caller,
  itemId: number,
  atSec: number,
): Promise<{ time: string | null; source: Exclude<TimeSource, 'manual'> | null }> {
  const [item] = await deps.items.itemRefs([itemId]);
  if (!item) throw notFound(`no item ${itemId}`);
  await requireItemRole(caller, item, 'observer');
  if (!(atSec >= 0)) throw invalid('at must be 0 or more seconds', { where: 'at' });
  const c = await deps.clocks.clocksOf(itemId);
  if (c.overlayStart) {
    // The clock as the picture shows it at that moment: past a jump, the jump is part of it.
    const jumped = (c.clockJumps ?? []).filter((j) => j.atSec <= atSec).reduce((sum, j) => sum + j.bySec, 0);
    return { time: new Date(c.overlayStart.getTime() + (atSec + jumped) * 1000).toISOString(), source: 'overlay' };
  }
  const created = c.creationTime ? Date.parse(c.creationTime) : NaN;
  if (!Number.isNaN(created)) return { time: new Date(created + atSec * 1000).toISOString(), source: 'metadata' };
  return { time: null, source: null };
}
