import { requireItemRole, requireRedactionRole } from '../access/item-access.js';
import type { Caller } from '../access/caller.js';
import type { ItemLookup } from '../annotations/item-lookup.port.js';
import { notFound } from '../errors.js';
import type { Redaction, RedactionRepo } from './redaction.types.js';

/** The redactions of an item, for any member of its case. */
export async function listRedactions(deps: { redactions: RedactionRepo; items: ItemLookup }, caller: Caller, itemId: number): Promise<Redaction[]> {
  const [item] = await deps.items.itemRefs([itemId]);
  if (!item) throw notFound(`no item ${itemId}`);
  await requireItemRole(caller, item, 'observer');
  return deps.redactions.redactionsOfItem(itemId);
}

/** One redaction, for any member of its case (others learn nothing: not found). */
export async function getRedaction(deps: { redactions: RedactionRepo; items?: ItemLookup }, caller: Caller, id: number): Promise<Redaction> {
  const r = await deps.redactions.redaction(id);
  if (!r) throw notFound(`no redaction ${id}`);
  await requireRedactionRole(deps, caller, r, 'observer');
  return r;
}
