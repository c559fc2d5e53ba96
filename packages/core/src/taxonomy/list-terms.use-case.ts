import type { Term, TermKind, TaxonomyRepo } from './taxonomy.types.js';

/** The taxonomy, readable by every signed-in user; archived terms only when asked for. */
export async function listTerms(repo: TaxonomyRepo, opts: { kind?: TermKind; includeArchived?: boolean } = {}): Promise<Term[]> {
  const terms = await repo.terms(opts.kind);
  return opts.includeArchived ? terms : terms.filter((t) => !t.archived);
}
