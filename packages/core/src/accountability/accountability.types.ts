import type { LedgerNote } from '../access/ledger-note.js';
import type { Position } from '../persons/person.types.js';

export const PROCEEDING_TYPES = [
  'criminal-case',
  'disciplinary-measure',
  'dismissal',
  'prosecutor-inquiry',
  'court-hearing',
  'arrest-in-absentia',
  'wanted-list-entry',
  'asylum-application',
  'charge',
  'case-dismissed',
  'other',
] as const;
export type ProceedingType = (typeof PROCEEDING_TYPES)[number];

export const EVENT_STATUSES = ['opened', 'announced', 'in-progress', 'in-court', 'convicted', 'acquitted', 'closed', 'dismissed', 'granted', 'refused', 'other'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const SOURCE_KINDS = ['web-page', 'document', 'video'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export type ClaimConfidence = 'low' | 'medium' | 'high';

/** "YYYY", "YYYY-MM" or "YYYY-MM-DD" — the precision the sources give — or null when unknown. */
export type PartialDate = string | null;

export interface ProceedingContent {
  type: ProceedingType;
  title: string;
  subjectIds: number[];
  /** How many subjects the sources count without naming them (e.g. "18 officials were fired"). */
  unnamedSubjects: number;
  authority: string | null;
  legalArticle: string | null;
  facilityId: number | null;
  /** The source's own legal exposure: exists only for members with the source-identity grant. */
  sourceExposure: boolean;
}

export interface Proceeding extends ProceedingContent {
  id: number;
  caseId: number;
  createdBy: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** The status of the last event of the timeline (null before the first event). */
  latestStatus: EventStatus | null;
  latestOn: PartialDate;
}

export interface EventContent {
  on: PartialDate;
  status: EventStatus;
  summary: string;
}

export interface ProceedingEvent extends EventContent {
  id: number;
  proceedingId: number;
  createdBy: number;
  version: number;
}

export interface SourceContent {
  kind: SourceKind;
  title: string;
  publisher: string | null;
  url: string | null;
  publishedOn: PartialDate;
  retrievedAt: string | null;
  /** The captured copy: an evidence item of the case (hashed and ledgered when it was preserved). */
  itemId: number | null;
}

export interface Source extends SourceContent {
  id: number;
  caseId: number;
  /** The captured copy's SHA-256 (null when there is none). */
  sha256: string | null;
  /** The captured copy is a protected item (ADR 0021): absent without the source-identity grant. */
  copyProtected: boolean;
  createdBy: number;
  version: number;
}

export interface ClaimContent {
  sourceId: number;
  /** Verbatim words of the source. */
  quote: string;
  confidence: ClaimConfidence;
}

/** A claim supports either an event of a proceeding or an official's position (kept as it read then). */
export interface Claim extends ClaimContent {
  id: number;
  caseId: number;
  eventId: number | null;
  personId: number | null;
  position: Position | null;
  createdBy: number;
  createdAt: Date;
  /** Bumped by every edit and by the withdrawal (migration 032). */
  version: number;
  /** A withdrawn claim stays in history but supports nothing and counts for nothing. */
  withdrawnAt: Date | null;
}

/** An earlier version of a claim, kept when it was edited or withdrawn. */
export interface ClaimVersion {
  claimId: number;
  version: number;
  quote: string;
  confidence: ClaimConfidence;
  sourceId: number;
  withdrawn: boolean;
  writtenBy: number;
  writtenAt: Date;
}

export interface ProceedingLink {
  id: number;
  proceedingId: number;
  incidentId: number | null;
  incidentTitle: string | null;
  itemId: number | null;
  startSec: number | null;
  endSec: number | null;
  /** The linked item is protected (ADR 0021): the link is absent without the source-identity grant. */
  itemProtected: boolean;
}

export interface ProceedingFilter {
  type?: ProceedingType;
  /** The latest status of the timeline. */
  status?: EventStatus;
  personId?: number;
  /** The proceeding's facility is one of these (a region's facilities, see `facilitiesUnder`). */
  facilityIds?: number[];
  /** Words of the title, authority, legal article or an event's summary. */
  q?: string;
  /** Only callers with the source-identity grant get source-exposure proceedings. */
  withSourceExposure: boolean;
}

export interface AccountabilityRepo {
  proceedings(caseId: number, filter: ProceedingFilter): Promise<Proceeding[]>;
  proceeding(id: number): Promise<Proceeding | null>;
  events(proceedingIds: readonly number[]): Promise<ProceedingEvent[]>;
  event(id: number): Promise<ProceedingEvent | null>;
  claims(ref: { caseId?: number; eventIds?: readonly number[]; personIds?: readonly number[] }): Promise<Claim[]>;
  /** The label of the case's latest import (shown on the dashboard), if any. */
  label(caseId: number): Promise<string | null>;
  sources(caseId: number): Promise<Source[]>;
  source(id: number): Promise<Source | null>;
  links(proceedingIds: readonly number[]): Promise<ProceedingLink[]>;
  /** The case's item with this id, with its hash (for a captured copy or a linked segment). */
  caseItem(caseId: number, itemId: number): Promise<{ id: number; sha256: string | null; protected: boolean } | null>;
  createProceeding(caseId: number, c: ProceedingContent, userId: number, actor: string, note: (id: number) => LedgerNote): Promise<Proceeding>;
  updateProceeding(id: number, expectedVersion: number, c: ProceedingContent, actor: string, note: LedgerNote): Promise<Proceeding>;
  addEvent(proceedingId: number, c: EventContent, userId: number, actor: string, note: (id: number) => LedgerNote): Promise<ProceedingEvent>;
  updateEvent(id: number, expectedVersion: number, c: EventContent, actor: string, note: LedgerNote): Promise<ProceedingEvent>;
  createSource(caseId: number, c: SourceContent, userId: number, actor: string, note: (id: number) => LedgerNote): Promise<Source>;
  updateSource(id: number, expectedVersion: number, c: SourceContent, actor: string, note: LedgerNote): Promise<Source>;
  addClaim(
    caseId: number,
    c: ClaimContent & { eventId: number | null; personId: number | null; position: Position | null },
    userId: number,
    actor: string,
    note: (id: number) => LedgerNote,
  ): Promise<Claim>;
  /** One claim, withdrawn or not. */
  claim(id: number): Promise<Claim | null>;
  claimHistory(id: number): Promise<ClaimVersion[]>;
  /** A new version of a claim (the old one kept); `withdraw` marks it withdrawn. A stale version is refused. */
  reviseClaim(id: number, expectedVersion: number, c: ClaimContent, withdraw: { reason: string | null } | null, userId: number, actor: string, note: LedgerNote): Promise<Claim>;
  link(id: number): Promise<ProceedingLink | null>;
  removeLink(id: number, userId: number, actor: string, note: LedgerNote): Promise<void>;
  addLink(
    proceedingId: number,
    l: { incidentId: number | null; itemId: number | null; startSec: number | null; endSec: number | null },
    userId: number,
    actor: string,
    note: (id: number) => LedgerNote,
  ): Promise<ProceedingLink>;
}

export interface AccountabilityImporter {
  /** Writes an import plan in one transaction; records whose (case, key) exist already are left alone. */
  importRecords(caseId: number, plan: import('./accountability-import.types.js').ImportPlan, userId: number, actor: string): Promise<import('./accountability-import.types.js').ImportResult>;
}
