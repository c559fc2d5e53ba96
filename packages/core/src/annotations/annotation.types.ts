import type { LedgerNote } from '../access/ledger-note.js';

/** What an annotation says about a time range of an item. */
export interface AnnotationContent {
  startSec: number;
  endSec: number;
  termIds: number[];
  personIds: number[];
  incidentId: number | null;
  note: string;
}

/** The current version of an annotation. */
export interface Annotation extends AnnotationContent {
  id: number;
  caseId: number;
  itemId: number;
  version: number;
  deleted: boolean;
  createdBy: number;
  createdByName: string;
  createdAt: Date;
  updatedBy: number;
  updatedByName: string;
  updatedAt: Date;
}

/** One version as written, never changed afterwards. */
export interface AnnotationVersion extends AnnotationContent {
  annotationId: number;
  version: number;
  deleted: boolean;
  author: number;
  authorName: string;
  createdAt: Date;
  ledgerSeq: number;
}

export interface AnnotationRepo {
  annotationsOfItem(itemId: number, includeDeleted: boolean): Promise<Annotation[]>;
  annotation(id: number): Promise<Annotation | null>;
  versions(id: number): Promise<AnnotationVersion[]>;
  createAnnotation(caseId: number, itemId: number, content: AnnotationContent, userId: number, actor: string, note: (id: number) => LedgerNote): Promise<Annotation>;
  /**
   * Writes version `expectedVersion + 1` (an edit, or a deletion when `deleted`); refused with a
   * conflict when someone else wrote a version meanwhile.
   */
  writeVersion(id: number, expectedVersion: number, content: AnnotationContent, deleted: boolean, userId: number, actor: string, note: LedgerNote): Promise<Annotation>;
}
