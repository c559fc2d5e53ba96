import type { LedgerNote } from '../access/ledger-note.js';

/** Records a reading of something sensitive (a protected identity) in the custody ledger. */
export interface AuditLog {
  record(actor: string, note: LedgerNote): Promise<void>;
}
