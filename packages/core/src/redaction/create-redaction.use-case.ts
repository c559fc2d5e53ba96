import { requireItemRole } from '../access/item-access.js';
import { actorOf, requireCaseRole, type Caller } from '../access/caller.js';
import type { ItemLookup } from '../annotations/item-lookup.port.js';
import { invalid, notFound } from '../errors.js';
import { normaliseRecipe, recipeSha256 } from './redaction-recipe.js';
import { redactionNote } from './redaction-note.js';
import type { Redaction, RedactionRepo } from './redaction.types.js';

export interface RedactionDeps {
  redactions: RedactionRepo;
  items: ItemLookup;
}

/** A new redaction (version 1, draft) of an item's original; analysts and above; ledgered. */
export async function createRedaction(deps: RedactionDeps, caller: Caller, itemId: number, input: { title?: string; recipe: unknown }): Promise<Redaction> {
  const [item] = await deps.items.itemRefs([itemId]);
  if (!item) throw notFound(`no item ${itemId}`);
  await requireItemRole(caller, item, 'analyst');
  if (!item.sha256) throw invalid(`item ${itemId} has no preserved bytes to redact`, { where: 'itemId' });
  const recipe = normaliseRecipe(input.recipe);
  const sha = recipeSha256(recipe);
  const title = (input.title ?? '').trim();
  return deps.redactions.create({ caseId: item.caseId, itemId, sourceSha256: item.sha256, title, recipe, recipeSha256: sha }, caller.userId, actorOf(caller), (id) =>
    redactionNote('redaction-created', { id, caseId: item.caseId, itemId, sourceSha256: item.sha256!, recipeSha256: sha, version: 1 }, { boxes: recipe.boxes.length }),
  );
}
