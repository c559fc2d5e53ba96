// Publication marks and public site builds (ADR 0018) as the browser sees them.
import type { Id } from '../api-types.js';

/** An incident's publication mark: public text written for publication, and the approved redactions published with it. */
export interface Publication {
  incidentId: Id;
  caseId: Id;
  title: string;
  summary: string;
  redactionIds: number[];
  markedBy: string;
  markedAt: string;
  version: number;
}
export interface PublishableRedaction {
  id: number;
  itemId: number;
  title: string;
  sourceSha256: string;
  outputSha256: string;
  recipeSha256: string;
  reviewedAt: string | null;
}
export interface PublicationDetail {
  publication: Publication | null;
  publishable: PublishableRedaction[];
  canMark: boolean;
  reason: 'role' | 'not-verified' | null;
}
export interface PublicationInput {
  title: string;
  summary: string;
  redactionIds: number[];
  version?: number;
}
/** A public site build: queued until a worker takes it, running (with its progress), done or failed. */
export interface SiteBuild {
  id: number;
  state: 'queued' | 'running' | 'done' | 'failed';
  progress: { phase: 'videos' | 'pages' | 'zip'; done: number; total: number } | null;
  error: string | null;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  incidents: number | null;
  videos: number | null;
  builtBy: string;
  requestedAt: string;
  builtAt: string | null;
  ledgerSeq: number | null;
  zipBytes: number | null;
  download: string | null;
  skipped: { incident: number; redaction: number | null; reason: string }[];
  warnings: string[];
}
