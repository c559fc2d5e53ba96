import { actorOf, requireCaseRole, seesProtectedIdentities, seesSource, type Caller } from '../access/caller.js';
import { contentHash, definedOnly } from '../access/ledger-note.js';
import { conflict, forbidden, notFound } from '../errors.js';
import type { FacilityRepo } from '../facilities/facility.types.js';
import { checkPositions } from './check-positions.js';
import { personsForCaller } from './person-view.js';
import { isEmptyIdentity, sealIdentity } from './protected-identity.js';
import type { Person, PersonChange, PersonRepo } from './person.types.js';

export async function updatePerson(
  deps: { persons: PersonRepo; facilities: FacilityRepo },
  caller: Caller,
  id: number,
  change: PersonChange,
  expectedVersion?: number,
): Promise<Person> {
  const [rec] = await deps.persons.personsByIds([id]);
  if (!rec) throw notFound(`no person ${id}`);
  const access = await requireCaseRole(caller, rec.caseId, 'analyst');
  if (rec.isSource && !seesSource(access)) throw notFound(`no person ${id}`);
  if (change.protected !== undefined && !seesProtectedIdentities(access)) {
    throw forbidden('changing a real identity needs the protected-identities grant', { where: 'protected' });
  }
  if (expectedVersion !== undefined && expectedVersion !== rec.version) {
    throw conflict(`the person was changed meanwhile (version ${rec.version}, you edited ${expectedVersion}): reload and try again`, { where: 'version' });
  }
  if (change.positions) await checkPositions(deps.facilities, change.positions);
  if (change.pseudonym !== undefined && change.pseudonym !== rec.pseudonym) {
    const others = await deps.persons.persons(rec.caseId, undefined, true);
    if (others.some((p) => p.pseudonym === change.pseudonym)) throw conflict(`the case has a person called "${change.pseudonym}" already`, { where: 'pseudonym' });
  }
  const identity = change.protected === undefined ? undefined : change.protected === null || isEmptyIdentity(change.protected) ? null : sealIdentity(change.protected);
  const { protected: _secret, ...plain } = change;
  const updated = await deps.persons.updatePerson(id, rec.version, plain, identity === undefined ? undefined : (identity?.sealed ?? null), caller.userId, actorOf(caller), {
    action: 'person-changed',
    subjects: [],
    details: {
      case: rec.caseId,
      person: id,
      version: rec.version + 1,
      changed: sourceSafe(rec.isSource, definedOnly({
        role: change.role,
        pseudonym: change.pseudonym,
        positions: change.positions,
        // Only the commitment, never the values; null records an erasure.
        identityCommitment: identity === undefined ? undefined : (identity?.commitment ?? null),
      })),
    },
  });
  const [shown] = await personsForCaller(deps.persons, access, [updated]);
  return shown!;
}

/** The source's changes go to the ledger as a hash: every member reads the case ledger view. */
function sourceSafe(isSource: boolean, changed: Record<string, unknown>): Record<string, unknown> {
  if (!isSource) return changed;
  const { identityCommitment, ...rest } = changed;
  return definedOnly({ contentSha256: contentHash(rest), identityCommitment });
}
