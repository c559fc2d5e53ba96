import { actorOf, requireCaseRole, seesSource, type Caller } from '../access/caller.js';
import { notFound } from '../errors.js';
import type { AuditLog } from './audit-log.port.js';
import { personsForCaller } from './person-view.js';
import type { Person, PersonRepo } from './person.types.js';

/** One person; a caller with the grant who is shown a real identity leaves an `identity-viewed` entry. */
export async function getPerson(deps: { persons: PersonRepo; audit: AuditLog }, caller: Caller, id: number): Promise<Person> {
  const [rec] = await deps.persons.personsByIds([id]);
  if (!rec) throw notFound(`no person ${id}`);
  const access = await requireCaseRole(caller, rec.caseId, 'observer');
  if (rec.isSource && !seesSource(access)) throw notFound(`no person ${id}`);
  const [person] = await personsForCaller(deps.persons, access, [rec]);
  if (person!.protected) await deps.audit.record(actorOf(caller), { action: 'identity-viewed', subjects: [], details: { case: rec.caseId, persons: [id] } });
  return person!;
}
