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
  /** The unit (department, squad) and rank held, when the sources say; absent when unknown. */
  unit?: string | null;
  rank?: string | null;
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
  /** The case's source: such a person exists only for members with the `source-identity` grant. */
  isSource: boolean;
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
  /** Marking a person as the source needs the `source-identity` grant. */
  isSource?: boolean;
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
  /** With `withSources` false (callers without the source-identity grant), the source is not there at all. */
  persons(caseId: number, q?: string, withSources?: boolean): Promise<PersonRecord[]>;
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
