import type { LedgerNote } from '../access/ledger-note.js';

export type IncidentStatus = 'unreviewed' | 'in-review' | 'verified' | 'disputed';
export type Confidence = 'low' | 'medium' | 'high';
export type TimeSource = 'overlay' | 'metadata' | 'manual';
export type ReviewAction = 'submit' | 'verify' | 'dispute' | 'reopen';

/** What an incident asserts; every saved state of it is kept as a version. */
export interface IncidentContent {
  title: string;
  facilityId: number | null;
  cameraId: number | null;
  place: string | null;
  /** ISO 8601 instants. */
  occurredFrom: string | null;
  occurredTo: string | null;
  /** Where the time comes from: the burned-in overlay clock, file metadata, or a person's reading. */
  timeSource: TimeSource;
  victimIds: number[];
  perpetratorIds: number[];
  termIds: number[];
  description: string;
}

export interface Incident extends IncidentContent {
  id: number;
  caseId: number;
  status: IncidentStatus;
  confidence: Confidence | null;
  createdBy: number;
  createdByName: string;
  submittedBy: number | null;
  submittedByName: string | null;
  reviewedBy: number | null;
  reviewedByName: string | null;
  /** Content version: bumped by every edit and every change of evidence segments. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface EvidenceSegment {
  id: number;
  incidentId: number;
  itemId: number;
  sha256: string | null;
  startSec: number;
  endSec: number;
  annotationId: number | null;
  addedBy: number;
  addedAt: Date;
}

/** Berkeley Protocol analysis: the source, the technical (file, metadata) and the content assessed. */
export interface ChecklistPart {
  done: boolean;
  note: string;
}
export interface Checklist {
  source: ChecklistPart;
  technical: ChecklistPart;
  content: ChecklistPart;
}

export interface Review {
  id: number;
  incidentId: number;
  /** The content version the review was about. */
  incidentVersion: number;
  action: ReviewAction;
  fromStatus: IncidentStatus;
  toStatus: IncidentStatus;
  reviewer: number;
  reviewerName: string;
  checklist: Checklist | null;
  confidence: Confidence | null;
  note: string;
  createdAt: Date;
}

export interface Transition {
  action: ReviewAction;
  from: IncidentStatus;
  to: IncidentStatus;
  checklist: Checklist | null;
  confidence: Confidence | null;
  note: string;
}

export interface IncidentRepo {
  incidents(caseId: number, filter: { status?: IncidentStatus; q?: string }): Promise<Incident[]>;
  incident(id: number): Promise<Incident | null>;
  segments(incidentId: number): Promise<EvidenceSegment[]>;
  reviews(incidentId: number): Promise<Review[]>;
  createIncident(caseId: number, content: IncidentContent, userId: number, actor: string, note: (id: number) => LedgerNote): Promise<Incident>;
  /** Refused with a conflict unless the incident is still unreviewed at `expectedVersion`. */
  updateIncident(id: number, expectedVersion: number, content: IncidentContent, userId: number, actor: string, note: LedgerNote): Promise<Incident>;
  addSegment(
    incidentId: number,
    expectedVersion: number,
    seg: { itemId: number; startSec: number; endSec: number; annotationId: number | null },
    userId: number,
    actor: string,
    note: (segmentId: number) => LedgerNote,
  ): Promise<EvidenceSegment>;
  removeSegment(incidentId: number, expectedVersion: number, segmentId: number, userId: number, actor: string, note: LedgerNote): Promise<void>;
  /** Applies a status change if the incident is still in `t.from` at `version`; a conflict otherwise. */
  review(id: number, version: number, t: Transition, userId: number, actor: string, note: LedgerNote): Promise<Incident>;
}
