import { contentHash } from '../access/ledger-note.js';
import type { LedgerNote } from '../access/ledger-note.js';
import type { ClaimContent, EventContent, ProceedingContent, SourceContent } from './accountability.types.js';

// What the accountability records write to the custody ledger. Free text goes in as its hash; a
// source-exposure proceeding (and what hangs off it) shows nothing but ids and the hash, because
// every member of the case reads the case ledger view.

export const proceedingNote = (action: 'proceeding-created' | 'proceeding-changed', caseId: number, id: number, c: ProceedingContent, version: number): LedgerNote => ({
  action,
  subjects: [],
  details: c.sourceExposure
    ? { case: caseId, proceeding: id, version, contentSha256: contentHash(c) }
    : { case: caseId, proceeding: id, version, type: c.type, subjects: c.subjectIds, unnamedSubjects: c.unnamedSubjects, facility: c.facilityId, contentSha256: contentHash(c) },
});

export const eventNote = (action: 'proceeding-event-added' | 'proceeding-event-changed', caseId: number, proceedingId: number, id: number, c: EventContent, exposure: boolean, version: number): LedgerNote => ({
  action,
  subjects: [],
  details: exposure
    ? { case: caseId, proceeding: proceedingId, event: id, version, contentSha256: contentHash(c) }
    : { case: caseId, proceeding: proceedingId, event: id, version, on: c.on, status: c.status, contentSha256: contentHash(c) },
});

export const sourceNote = (action: 'source-created' | 'source-changed', caseId: number, id: number, c: SourceContent, capturedSha256: string | null, version: number): LedgerNote => ({
  action,
  subjects: capturedSha256 ? [capturedSha256] : [],
  details: { case: caseId, source: id, version, kind: c.kind, item: c.itemId, contentSha256: contentHash(c) },
});

export const claimNote = (caseId: number, id: number, c: ClaimContent, target: { event: number } | { person: number }, capturedSha256: string | null): LedgerNote => ({
  action: 'claim-added',
  subjects: capturedSha256 ? [capturedSha256] : [],
  details: { case: caseId, claim: id, source: c.sourceId, ...target, confidence: c.confidence, quoteSha256: contentHash({ quote: c.quote }) },
});
