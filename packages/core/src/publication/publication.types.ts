import type { LedgerNote } from '../access/ledger-note.js';

/** What a coordinator writes when marking an incident public: text for the public, and the videos. */
export interface PublicationMark {
  /** The public title: written for publication, not the internal one. */
  title: string;
  /** The public summary: written for publication, never the internal description. */
  summary: string;
  /** Approved redactions of the incident's evidence, published with it. */
  redactionIds: number[];
}

/** An incident's publication mark as stored. */
export interface Publication extends PublicationMark {
  incidentId: number;
  caseId: number;
  markedBy: number;
  markedByName: string;
  markedAt: Date;
  /** Bumped by every change of the mark. */
  version: number;
}

/** A redaction that may be published: approved by a second person, with its rendered output. */
export interface PublishableRedaction {
  id: number;
  itemId: number;
  title: string;
  sourceSha256: string;
  outputSha256: string;
  recipeSha256: string;
  reviewedAt: Date | null;
}

export interface PublicationRepo {
  publication(incidentId: number): Promise<Publication | null>;
  publications(caseId: number): Promise<Publication[]>;
  /** Redactions of the case with status 'approved' and an output; of these items only, when given. */
  publishableRedactions(caseId: number, itemIds?: readonly number[]): Promise<PublishableRedaction[]>;
  /** Creates or replaces the mark; a conflict when `expectedVersion` is given and is not the stored one. */
  mark(incidentId: number, caseId: number, mark: PublicationMark, expectedVersion: number | null, userId: number, actor: string, note: LedgerNote): Promise<Publication>;
  /** Removes the mark; not found when there is none. */
  unmark(incidentId: number, actor: string, note: LedgerNote): Promise<void>;
}
