import { requireCaseRole, type Caller } from '../access/caller.js';
import type { SavedView, SavedViewRepo } from './saved-view.types.js';

export async function listViews(repo: SavedViewRepo, caller: Caller, caseId: number): Promise<SavedView[]> {
  await requireCaseRole(caller, caseId, 'observer');
  return repo.views(caseId, caller.userId);
}
