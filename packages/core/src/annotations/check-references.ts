import { invalid } from '../errors.js';
import type { IncidentRepo } from '../incidents/incident.types.js';
import type { PersonRepo } from '../persons/person.types.js';
import type { TaxonomyRepo } from '../taxonomy/taxonomy.types.js';

/**
 * Terms, persons and an incident linked from an annotation or an incident must exist, belong to
 * the same case (persons, incidents) and be ill-treatment terms that are not archived.
 */
export async function checkReferences(
  deps: { taxonomy: TaxonomyRepo; persons: PersonRepo; incidents?: IncidentRepo },
  caseId: number,
  refs: { termIds?: readonly number[]; personIds?: Record<string, readonly number[]>; incidentId?: number | null },
  /**
   * Without the source-identity grant the person who is the source does not exist for the caller:
   * their id is refused exactly like an unknown one (no existence oracle), unless the record being
   * edited already held it (`kept`: the caller was shown it there).
   */
  seen: { seesSource: boolean; kept?: ReadonlySet<number> } = { seesSource: true },
): Promise<void> {
  if (refs.termIds && refs.termIds.length > 0) {
    const found = new Map((await deps.taxonomy.termsByIds(refs.termIds)).map((t) => [t.id, t]));
    for (const [i, id] of refs.termIds.entries()) {
      const t = found.get(id);
      if (!t || t.kind !== 'ill-treatment') throw invalid(`no ill-treatment term ${id}`, { where: `termIds.${i}` });
      if (t.archived) throw invalid(`the term "${t.key}" is archived`, { where: `termIds.${i}` });
    }
  }
  for (const [field, ids] of Object.entries(refs.personIds ?? {})) {
    if (ids.length === 0) continue;
    const found = new Map((await deps.persons.personsByIds(ids)).map((p) => [p.id, p]));
    for (const [i, id] of ids.entries()) {
      const p = found.get(id);
      const hidden = p?.isSource === true && !seen.seesSource && !seen.kept?.has(id);
      if (p?.caseId !== caseId || hidden) throw invalid(`no person ${id} in this case`, { where: `${field}.${i}` });
    }
  }
  if (refs.incidentId != null) {
    const inc = await deps.incidents?.incident(refs.incidentId);
    if (!inc || inc.caseId !== caseId) throw invalid(`no incident ${refs.incidentId} in this case`, { where: 'incidentId' });
  }
}

export const uniqueIds = (ids: readonly number[]): number[] => [...new Set(ids)];
