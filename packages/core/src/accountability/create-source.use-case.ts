import { actorOf, requireCaseRole, seesSource, type Caller } from '../access/caller.js';
import { invalid } from '../errors.js';
import type { AccountabilityDeps } from './accountability-access.js';
import { sourceNote } from './accountability-notes.js';
import type { Source, SourceContent } from './accountability.types.js';
import { checkPartialDate } from './partial-date.js';

export async function checkSource(deps: AccountabilityDeps, caseId: number, c: SourceContent, sees = true): Promise<{ content: SourceContent; sha256: string | null }> {
  const title = c.title.trim();
  if (!title) throw invalid('a source needs a title', { where: 'title' });
  if (c.url !== null && !/^https?:\/\/\S+$/i.test(c.url)) throw invalid(`"${c.url}" is not an http(s) address`, { where: 'url' });
  if (c.retrievedAt !== null && Number.isNaN(Date.parse(c.retrievedAt))) throw invalid(`"${c.retrievedAt}" is not a time`, { where: 'retrievedAt' });
  let sha256: string | null = null;
  if (c.itemId !== null) {
    const item = await deps.accountability.caseItem(caseId, c.itemId);
    if (!item || (item.protected && !sees)) throw invalid(`no item ${c.itemId} in this case`, { where: 'itemId' });
    sha256 = item.sha256;
  }
  return { content: { ...c, title, publishedOn: checkPartialDate(c.publishedOn, 'publishedOn') }, sha256 };
}

/**
 * Records a source (web page, document, video); its captured copy is an item of the case,
 * preserved in the vault like any evidence. Analysts and above; ledgered.
 */
export async function createSource(deps: AccountabilityDeps, caller: Caller, caseId: number, input: SourceContent): Promise<Source> {
  const access = await requireCaseRole(caller, caseId, 'analyst');
  const { content, sha256 } = await checkSource(deps, caseId, input, seesSource(access));
  return deps.accountability.createSource(caseId, content, caller.userId, actorOf(caller), (id) => sourceNote('source-created', caseId, id, content, sha256, 1));
}
