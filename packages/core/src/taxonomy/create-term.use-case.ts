import { actorOf, requireCoordinator, type Caller } from '../access/caller.js';
import { conflict, invalid } from '../errors.js';
import type { NewTerm, Term, TaxonomyRepo } from './taxonomy.types.js';

export async function createTerm(repo: TaxonomyRepo, caller: Caller, input: NewTerm): Promise<Term> {
  await requireCoordinator(caller);
  const all = await repo.terms(input.kind);
  if (all.some((t) => t.key === input.key)) throw conflict(`a ${input.kind} term with key "${input.key}" exists already`, { where: 'key' });
  if (input.parentId !== null) {
    const parent = all.find((t) => t.id === input.parentId);
    if (!parent) throw invalid(`no ${input.kind} term ${input.parentId} to be the parent`, { where: 'parentId' });
  }
  return repo.createTerm(input, actorOf(caller), (id) => ({
    action: 'term-created',
    subjects: [],
    details: { term: id, kind: input.kind, key: input.key, labels: input.labels, parent: input.parentId },
  }));
}
