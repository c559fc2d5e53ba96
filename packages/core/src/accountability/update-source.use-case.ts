import { actorOf, requireCaseRole, type Caller } from '../access/caller.js';
import { conflict, notFound } from '../errors.js';
import type { AccountabilityDeps } from './accountability-access.js';
import { sourceNote } from './accountability-notes.js';
import type { Source, SourceContent } from './accountability.types.js';
import { checkSource } from './create-source.use-case.js';

/** Changes a source (a new version); ledgered. */
export async function updateSource(deps: AccountabilityDeps, caller: Caller, id: number, change: Partial<SourceContent>, expectedVersion?: number): Promise<Source> {
  const s = await deps.accountability.source(id);
  if (!s) throw notFound(`no source ${id}`);
  await requireCaseRole(caller, s.caseId, 'analyst');
  if (expectedVersion !== undefined && expectedVersion !== s.version) {
    throw conflict(`the source was changed meanwhile (version ${s.version}, you edited ${expectedVersion}): reload and try again`, { where: 'version' });
  }
  const merged: SourceContent = {
    kind: change.kind ?? s.kind,
    title: change.title ?? s.title,
    publisher: change.publisher !== undefined ? change.publisher : s.publisher,
    url: change.url !== undefined ? change.url : s.url,
    publishedOn: change.publishedOn !== undefined ? change.publishedOn : s.publishedOn,
    retrievedAt: change.retrievedAt !== undefined ? change.retrievedAt : s.retrievedAt,
    itemId: change.itemId !== undefined ? change.itemId : s.itemId,
  };
  const { content, sha256 } = await checkSource(deps, s.caseId, merged);
  return deps.accountability.updateSource(id, s.version, content, actorOf(caller), sourceNote('source-changed', s.caseId, id, content, sha256, s.version + 1));
}
