import type { Caller } from '../access/caller.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { SavedView, SavedViewRepo } from './saved-view.types.js';

/** Only the owner renames a view; a name the owner already uses in the case is refused (not merged). */
export async function renameView(repo: SavedViewRepo, caller: Caller, id: number, name: string): Promise<SavedView> {
  const v = await repo.view(id);
  if (!v || v.userId !== caller.userId) throw notFound(`no saved view ${id}`);
  const trimmed = name.trim();
  if (!trimmed) throw invalid('a saved view needs a name', { where: 'name' });
  if (trimmed === v.name) return v;
  const mine = await repo.views(v.caseId, caller.userId);
  if (mine.some((o) => o.name === trimmed)) throw conflict(`you have a view called "${trimmed}" already`, { where: 'name' });
  return repo.renameView(id, trimmed);
}
