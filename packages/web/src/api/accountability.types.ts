// The accountability tracker (ADR 0019) as the browser sees it.
import type { Id } from '../api-types.js';

export const PROCEEDING_TYPES = [
  'criminal-case', 'disciplinary-measure', 'dismissal', 'prosecutor-inquiry', 'court-hearing',
  'arrest-in-absentia', 'wanted-list-entry', 'asylum-application', 'charge', 'case-dismissed', 'other',
] as const;
export type ProceedingType = (typeof PROCEEDING_TYPES)[number];
export const EVENT_STATUSES = ['opened', 'announced', 'in-progress', 'in-court', 'convicted', 'acquitted', 'closed', 'dismissed', 'granted', 'refused', 'other'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];
export type Outcome =
  | 'dismissed' | 'disciplined' | 'criminal-opened' | 'criminal-in-court' | 'criminal-convicted' | 'criminal-acquitted' | 'criminal-closed'
  | 'prosecutor-inquiry' | 'court-hearing' | 'charge' | 'arrest-in-absentia' | 'wanted-list-entry' | 'asylum-application' | 'case-dismissed' | 'other';
export type Confidence = 'low' | 'medium' | 'high';
export interface ProceedingInput {
  type: ProceedingType;
  title: string;
  subjectIds?: number[];
  unnamedSubjects?: number;
  authority?: string | null;
  legalArticle?: string | null;
  facilityId?: number | null;
  sourceExposure?: boolean;
}
export interface Proceeding extends Required<ProceedingInput> {
  id: number;
  caseId: number;
  version: number;
  latestStatus: EventStatus | null;
  latestOn: string | null;
  outcome: Outcome;
}
export interface Claim {
  id: number;
  sourceId: number;
  quote: string;
  confidence: Confidence;
  eventId: number | null;
  personId: number | null;
  /** For a claim about a position: the position as it read when claimed. */
  position?: { title: string; from: string | null; to: string | null; facilityId: Id | null } | null;
  version?: number;
  withdrawnAt?: string | null;
}
export interface ProceedingEvent {
  id: number;
  on: string | null;
  status: EventStatus;
  summary: string;
  version: number;
  claims: Claim[];
}
export interface SourceInput {
  kind: 'web-page' | 'document' | 'video';
  title: string;
  publisher?: string | null;
  url?: string | null;
  publishedOn?: string | null;
  retrievedAt?: string | null;
  itemId?: number | null;
}
export interface Source extends Required<SourceInput> {
  id: number;
  sha256: string | null;
  version: number;
}
export interface ProceedingLink {
  id: number;
  incidentId: number | null;
  incidentTitle: string | null;
  itemId: number | null;
  startSec: number | null;
  endSec: number | null;
}
export interface ProceedingDetail {
  proceeding: Proceeding;
  events: ProceedingEvent[];
  sources: Source[];
  links: ProceedingLink[];
  canEdit: boolean;
}
export interface ProceedingQuery {
  type?: ProceedingType | '';
  status?: EventStatus | '';
  personId?: string;
  facilityId?: string;
  q?: string;
}
export interface AccountabilityDashboard {
  label: string | null;
  counts: { outcome: Outcome; proceedings: number; namedSubjects: number; unnamedSubjects: number }[];
  timeline: { on: string | null; status: EventStatus; summary: string; eventId: number; proceedingId: number; proceedingTitle: string; outcome: Outcome }[];
  incidents: { outcome: Outcome; incidents: { id: number; title: string }[] }[];
}
