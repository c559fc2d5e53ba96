import { contentHash, type LedgerNote } from '../access/ledger-note.js';
import type { ItemRef } from './item-lookup.port.js';
import type { AnnotationContent } from './annotation.types.js';

/**
 * An annotation's ledger entry: the structured facts in the clear, the note as the hash of the
 * whole content (the note may name people; the ledger can never be edited).
 */
export function annotationNote(action: string, item: ItemRef, id: number, version: number, content: AnnotationContent, deleted = false): LedgerNote {
  return {
    action,
    subjects: item.sha256 ? [item.sha256] : [],
    details: {
      case: item.caseId,
      item: item.id,
      annotation: id,
      version,
      startSec: content.startSec,
      endSec: content.endSec,
      terms: content.termIds,
      persons: content.personIds,
      incident: content.incidentId,
      deleted,
      contentSha256: contentHash({ ...content, deleted }),
    },
  };
}
