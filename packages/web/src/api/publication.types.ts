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
export interface SiteBuild {
  id: number;
  incidents: number;
  videos: number;
  builtBy: string;
  builtAt: string;
  ledgerSeq: number;
  zipBytes: number | null;
  download: string;
}
