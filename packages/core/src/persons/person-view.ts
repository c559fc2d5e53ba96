import type { CaseAccess } from '../access/caller.js';
import { seesProtectedIdentities, seesSource } from '../access/caller.js';
import type { Person, PersonRecord, PersonRepo } from './person.types.js';

/**
 * Persons as a caller may see them: with `protected` only under the grant, and the case's source
 * only under the `source-identity` grant (absent otherwise). Every use case that returns persons
 * goes through here, so no path can forget the rule.
 */
export async function personsForCaller(repo: PersonRepo, access: CaseAccess, all: PersonRecord[]): Promise<Person[]> {
  const records = seesSource(access) ? all : all.filter((r) => !r.isSource);
  const identities = seesProtectedIdentities(access) ? await repo.identities(records.filter((r) => r.hasIdentity).map((r) => r.id)) : null;
  return records.map(({ hasIdentity: _drop, ...p }) => {
    const identity = identities?.get(p.id);
    return identity ? { ...p, protected: identity } : p;
  });
}
