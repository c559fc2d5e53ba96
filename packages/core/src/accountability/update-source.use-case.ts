import { actorOf, requireCaseRole, seesSource, type Caller } from '../access/caller.js';
import { conflict, notFound } from '../errors.js';
import { shownSource, type AccountabilityDeps } from './accountability-access.js';
import { listSources } from './list-sources.use-case.js';
import { sourceNote } from './accountability-notes.js';
import type { Source, SourceContent } from './accountability.types.js';
import { checkSource } from './create-source.use-case.js';

/** Changes a source (a new version); ledgered. */
export async function updateSource(deps: AccountabilityDeps, caller: Caller, id: number, change: Partial<SourceContent>, expectedVersion?: number): Promise<Source> {
  const s = await deps.accountability.source(id);
  if (!s) throw notFound(`no source ${id}`);
  const access = await requireCaseRole(caller, s.caseId, 'analyst');
  const sees = seesSource(access);
  // A source the caller may not see (cited only about hidden records) is not there for them.
  if (!sees && !(await listSources(deps, caller, s.caseId)).some((x) => x.id === id)) throw notFound(`no source ${id}`);
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
    // Without the grant a protected copy reads as none: "none" sent back keeps it.
    itemId: change.itemId !== undefined && !(change.itemId === null && s.copyProtected && !sees) ? change.itemId : s.itemId,
  };
  // A protected copy the caller cannot see stays attached when they do not name another one.
  const { content, sha256 } = await checkSource(deps, s.caseId, merged, sees || merged.itemId === s.itemId);
  const updated = await deps.accountability.updateSource(id, s.version, content, actorOf(caller), sourceNote('source-changed', s.caseId, id, content, sha256, s.version + 1));
  return shownSource({ seesSource: sees }, updated);
}
