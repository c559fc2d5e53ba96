import { actorOf, requireCaseRole, seesSource, type Caller } from '../access/caller.js';
import type { AuditLog } from './audit-log.port.js';
import { personsForCaller } from './person-view.js';
import type { Person, PersonRepo } from './person.types.js';

/**
 * A case's persons, optionally filtered by pseudonym or position title (`q`). Real identities are
 * never searched: a search for a real name finds nothing, for anyone.
 */
export async function listPersons(deps: { persons: PersonRepo; audit: AuditLog }, caller: Caller, caseId: number, q?: string): Promise<Person[]> {
  const access = await requireCaseRole(caller, caseId, 'observer');
  const persons = await personsForCaller(deps.persons, access, await deps.persons.persons(caseId, q, seesSource(access)));
  const shown = persons.filter((p) => p.protected).map((p) => p.id);
  if (shown.length > 0) await deps.audit.record(actorOf(caller), { action: 'identity-viewed', subjects: [], details: { case: caseId, persons: shown } });
  return persons;
}
