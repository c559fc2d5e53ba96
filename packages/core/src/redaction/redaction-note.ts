import type { LedgerNote } from '../access/ledger-note.js';
import type { Redaction } from './redaction.types.js';

/** The ledger entry of a redaction change: the source (and output) hashes, the recipe hash, the version. */
export function redactionNote(action: string, r: Pick<Redaction, 'id' | 'caseId' | 'itemId' | 'sourceSha256' | 'recipeSha256' | 'version'>, extra: Record<string, unknown> = {}, outputSha256?: string): LedgerNote {
  return {
    action,
    subjects: outputSha256 ? [r.sourceSha256, outputSha256] : [r.sourceSha256],
    details: { case: r.caseId, redaction: r.id, item: r.itemId, source: r.sourceSha256, recipeSha256: r.recipeSha256, version: r.version, ...extra },
  };
}
