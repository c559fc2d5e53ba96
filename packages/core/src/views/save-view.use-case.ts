import { requireCaseRole, type Caller } from '../access/caller.js';
import { invalid } from '../errors.js';
import type { SavedView, SavedViewRepo } from './saved-view.types.js';

/** Any member, observers included, may save their own views. */
export async function saveView(repo: SavedViewRepo, caller: Caller, caseId: number, name: string, query: Record<string, unknown>): Promise<SavedView> {
  await requireCaseRole(caller, caseId, 'observer');
  const trimmed = name.trim();
  if (!trimmed) throw invalid('a saved view needs a name', { where: 'name' });
  return repo.saveView({ caseId, userId: caller.userId, name: trimmed, query });
}
