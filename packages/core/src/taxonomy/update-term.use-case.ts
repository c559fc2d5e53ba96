import { actorOf, requireCoordinator, type Caller } from '../access/caller.js';
import { invalid, notFound } from '../errors.js';
import { definedOnly } from '../access/ledger-note.js';
import type { Term, TermChange, TaxonomyRepo } from './taxonomy.types.js';

/** Labels, parent and archiving can change; a term's key and kind never do (annotations name them). */
export async function updateTerm(repo: TaxonomyRepo, caller: Caller, id: number, change: TermChange): Promise<Term> {
  await requireCoordinator(caller);
  const [term] = await repo.termsByIds([id]);
  if (!term) throw notFound(`no term ${id}`);
  if (change.parentId !== undefined && change.parentId !== null) {
    const all = await repo.terms(term.kind);
    const byId = new Map(all.map((t) => [t.id, t]));
    if (!byId.has(change.parentId)) throw invalid(`no ${term.kind} term ${change.parentId} to be the parent`, { where: 'parentId' });
    // Walking up from the new parent must not meet the term itself.
    for (let p: Term | undefined = byId.get(change.parentId); p; p = p.parentId === null ? undefined : byId.get(p.parentId)) {
      if (p.id === id) throw invalid('a term cannot be placed under itself or one of its own sub-terms', { where: 'parentId' });
    }
  }
  return repo.updateTerm(id, change, actorOf(caller), {
    action: 'term-changed',
    subjects: [],
    details: { term: id, key: term.key, changed: definedOnly({ labels: change.labels, parent: change.parentId, archived: change.archived }) },
  });
}
