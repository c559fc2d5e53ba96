import { actorOf, requireCaseRole, seesProtectedIdentities, seesSource, type Caller } from '../access/caller.js';
import { contentHash } from '../access/ledger-note.js';
import { conflict, forbidden } from '../errors.js';
import type { FacilityRepo } from '../facilities/facility.types.js';
import { checkPositions } from './check-positions.js';
import { isEmptyIdentity, sealIdentity } from './protected-identity.js';
import type { NewPerson, Person, PersonRepo } from './person.types.js';

export async function createPerson(deps: { persons: PersonRepo; facilities: FacilityRepo }, caller: Caller, input: NewPerson): Promise<Person> {
  const access = await requireCaseRole(caller, input.caseId, 'analyst');
  const withIdentity = input.protected && !isEmptyIdentity(input.protected) ? input.protected : null;
  if (withIdentity && !seesProtectedIdentities(access)) {
    throw forbidden('recording a real identity needs the protected-identities grant', { where: 'protected' });
  }
  if (input.isSource && !seesSource(access)) throw forbidden('recording the source needs the source-identity grant', { where: 'isSource' });
  await checkPositions(deps.facilities, input.positions);
  const existing = await deps.persons.persons(input.caseId, undefined, true);
  if (existing.some((p) => p.pseudonym === input.pseudonym)) throw conflict(`the case has a person called "${input.pseudonym}" already`, { where: 'pseudonym' });
  const seal = withIdentity ? sealIdentity(withIdentity) : null;
  const { protected: _secret, ...plain } = input;
  const rec = await deps.persons.createPerson(plain, seal?.sealed ?? null, caller.userId, actorOf(caller), (id) => ({
    action: 'person-created',
    subjects: [],
    // The source's entry names no pseudonym or post: the case ledger view is read by every member.
    details: input.isSource
      ? { case: input.caseId, person: id, contentSha256: contentHash({ role: input.role, pseudonym: input.pseudonym, positions: input.positions }), identityCommitment: seal?.commitment ?? null }
      : { case: input.caseId, person: id, role: input.role, pseudonym: input.pseudonym, positions: input.positions, identityCommitment: seal?.commitment ?? null },
  }));
  const { hasIdentity: _h, ...person } = rec;
  return withIdentity ? { ...person, protected: withIdentity } : person;
}
