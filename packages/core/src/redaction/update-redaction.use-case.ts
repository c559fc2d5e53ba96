import { actorOf, type Caller } from '../access/caller.js';
import { requireRedactionRole } from '../access/item-access.js';
import { conflict, notFound } from '../errors.js';
import type { RedactionDeps } from './create-redaction.use-case.js';
import { normaliseRecipe, recipeSha256 } from './redaction-recipe.js';
import { redactionNote } from './redaction-note.js';
import type { Redaction } from './redaction.types.js';

/**
 * Edits the recipe (or title): a new version, back to draft — any render and any approval belong to
 * the old version and no longer count. `expectedVersion` refuses a stale edit. Analysts and above.
 */
export async function updateRedaction(deps: Pick<RedactionDeps, 'redactions'> & Partial<Pick<RedactionDeps, 'items'>>, caller: Caller, id: number, input: { title?: string; recipe?: unknown; version?: number }): Promise<Redaction> {
  const current = await deps.redactions.redaction(id);
  if (!current) throw notFound(`no redaction ${id}`);
  await requireRedactionRole(deps, caller, current, 'analyst');
  if (input.version !== undefined && input.version !== current.version) throw conflict(`redaction ${id} is at version ${current.version}, not ${input.version}: reload and try again`);
  if (current.status === 'rendering') throw conflict(`redaction ${id} is being rendered: wait for it to finish`);
  const recipe = input.recipe === undefined ? current.recipe : normaliseRecipe(input.recipe);
  const sha = recipeSha256(recipe);
  const title = input.title === undefined ? current.title : input.title.trim();
  const version = current.version + 1;
  return deps.redactions.writeVersion(id, current.version, { title, recipe, recipeSha256: sha }, caller.userId, actorOf(caller),
    redactionNote('redaction-edited', { ...current, recipeSha256: sha, version }, { previousRecipeSha256: current.recipeSha256, previousStatus: current.status }));
}
