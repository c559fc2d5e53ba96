import type { Caller } from '../access/caller.js';
import { notFound } from '../errors.js';
import type { SavedViewRepo } from './saved-view.types.js';

/** Only the owner deletes a view; anyone else is told there is no such view. */
export async function deleteView(repo: SavedViewRepo, caller: Caller, id: number): Promise<void> {
  const v = await repo.view(id);
  if (!v || v.userId !== caller.userId) throw notFound(`no saved view ${id}`);
  await repo.deleteView(id);
}
