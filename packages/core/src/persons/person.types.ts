import type { LedgerNote } from '../access/ledger-note.js';

export type PersonRole = 'victim' | 'perpetrator' | 'official' | 'witness' | 'other';

/** A victim's (or witness's) real identity: held apart, shown only with the `protected-identities` grant. */
export interface ProtectedIdentity {
  realName: string | null;
  birthDate: string | null;
  notes: string | null;
}

/** An official's post over time (e.g. head of unit 2 of IK-1 from 2019-03 to 2021-08). */
export interface Position {
  facilityId: number | null;
  title: string;
  from: string | null;
  to: string | null;
}

/** A person as stored, without the protected identity. */
export interface PersonRecord {
  id: number;
  caseId: number;
  role: PersonRole;
  pseudonym: string;
  positions: Position[];
  createdBy: number;
  version: number;
  hasIdentity: boolean;
}

/**
 * A person as shown to a caller. `protected` is present only for a caller with the grant — absent,
 * not null and not masked, for everyone else.
 */
export type Person = Omit<PersonRecord, 'hasIdentity'> & { protected?: ProtectedIdentity };

export interface NewPerson {
  caseId: number;
  role: PersonRole;
  pseudonym: string;
  positions: Position[];
  protected?: ProtectedIdentity;
}

export interface PersonChange {
  role?: PersonRole;
  pseudonym?: string;
  positions?: Position[];
  /** null erases the stored identity. */
  protected?: ProtectedIdentity | null;
}

/** An identity as stored: the values and the salt of the commitment the ledger holds. */
export interface SealedIdentity {
  values: ProtectedIdentity;
  salt: Buffer;
}

export interface PersonRepo {
  persons(caseId: number, q?: string): Promise<PersonRecord[]>;
  personsByIds(ids: readonly number[]): Promise<PersonRecord[]>;
  /** Protected identities: to be called only by the use cases that have checked the grant. */
  identities(personIds: readonly number[]): Promise<Map<number, ProtectedIdentity>>;
  createPerson(p: Omit<NewPerson, 'protected'>, identity: SealedIdentity | null, userId: number, actor: string, note: (id: number) => LedgerNote): Promise<PersonRecord>;
  updatePerson(
    id: number,
    expectedVersion: number,
    change: Omit<PersonChange, 'protected'>,
    identity: SealedIdentity | null | undefined,
    userId: number,
    actor: string,
    note: LedgerNote,
  ): Promise<PersonRecord>;
}
