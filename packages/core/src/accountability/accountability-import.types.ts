import type { LedgerNote } from '../access/ledger-note.js';
import type { PersonRole, Position, ProtectedIdentity, SealedIdentity } from '../persons/person.types.js';
import type { ClaimConfidence, EventStatus, PartialDate, ProceedingType, SourceKind } from './accountability.types.js';

/** The import file "custodia-accountability/1" (docs/adr/0019-accountability.md), as validated at the boundary. */
export interface ImportClaim {
  source: string;
  quote: string;
  confidence: ClaimConfidence;
}
export interface ImportFile {
  format: 'custodia-accountability/1';
  label?: string | null;
  sources: {
    key: string;
    kind: SourceKind;
    title: string;
    publisher?: string | null;
    url?: string | null;
    publishedOn?: PartialDate;
    retrievedAt?: string | null;
    capturedCopy?: string | null;
  }[];
  persons: {
    key: string;
    role: PersonRole;
    pseudonym: string;
    protected?: ProtectedIdentity | null;
    isSource?: boolean;
    positions: {
      facility?: string | null;
      unit?: string | null;
      rank?: string | null;
      title: string;
      from?: PartialDate;
      to?: PartialDate;
      claims?: ImportClaim[];
    }[];
  }[];
  proceedings: {
    key: string;
    type: ProceedingType;
    title: string;
    subjects: string[];
    unnamedSubjects: number;
    authority?: string | null;
    legalArticle?: string | null;
    facility?: string | null;
    sourceExposure: boolean;
    events: { on: PartialDate; status: EventStatus; summary: string; claims: ImportClaim[] }[];
  }[];
}

/** A captured copy already preserved in the vault: its item and, when it has text, the text. */
export interface CapturedCopy {
  itemId: number;
  sha256: string;
  text: string | null;
}

/** What the repository writes, in one transaction, with the ledger notes the use case decided. */
export interface ImportPlan {
  fileSha256: string;
  label: string | null;
  /** Facilities named in the file: found by exact name, or created (kind facility). */
  facilityNames: string[];
  facilityNote: (id: number, name: string) => LedgerNote;
  sources: { key: string; kind: SourceKind; title: string; publisher: string | null; url: string | null; publishedOn: PartialDate; retrievedAt: string | null; itemId: number | null; note: (id: number) => LedgerNote }[];
  persons: {
    key: string;
    role: PersonRole;
    pseudonym: string;
    isSource: boolean;
    identity: SealedIdentity | null;
    /** facilityId is filled from `facility` by the repository. */
    positions: (Position & { facility: string | null; claims: ImportClaim[] })[];
    note: (id: number, facilityIds: (number | null)[]) => LedgerNote;
  }[];
  proceedings: {
    key: string;
    type: ProceedingType;
    title: string;
    subjects: string[];
    unnamedSubjects: number;
    authority: string | null;
    legalArticle: string | null;
    facility: string | null;
    sourceExposure: boolean;
    events: { on: PartialDate; status: EventStatus; summary: string; claims: ImportClaim[] }[];
    note: (id: number, subjectIds: number[], facilityId: number | null) => LedgerNote;
    eventNote: (proceedingId: number, eventId: number, index: number) => LedgerNote;
  }[];
  claimNote: (id: number, claim: ImportClaim & { sourceId: number }, target: { event: number } | { person: number }) => LedgerNote;
  importNote: (counts: ImportCounts) => LedgerNote;
}

export interface ImportCounts {
  sources: number;
  persons: number;
  proceedings: number;
  events: number;
  claims: number;
  facilities: number;
}

export interface ImportResult {
  created: ImportCounts;
  /** Records of the file that were there already (same case, same key): left as they are. */
  alreadyThere: { sources: number; persons: number; proceedings: number };
}
