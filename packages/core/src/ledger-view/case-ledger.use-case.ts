import { requireCaseRole, seesSource, type Caller } from '../access/caller.js';

export interface LedgerViewEntry {
  seq: number;
  time: string;
  actor: string;
  action: string;
  subjects: string[];
  details: Record<string, unknown>;
}

export interface LedgerViewRepo {
  /** Entries concerning a case, newest first, with seq below `before`. */
  /** `hideProtected`: leave out entries about a protected item (its hash among the subjects, or its id as `item`; ADR 0021). */
  caseEntries(caseId: number, opts: { before?: number; limit: number; actor?: string; action?: string; hideProtected?: boolean }): Promise<LedgerViewEntry[]>;
}

/**
 * Who did what in a case, from the custody ledger itself. Documentation entries never hold a
 * protected value (identities go in as salted commitments, free text as hashes), so every member
 * may read the whole view.
 */
export async function caseLedger(
  repo: LedgerViewRepo,
  caller: Caller,
  caseId: number,
  opts: { before?: number; limit?: number; actor?: string; action?: string } = {},
): Promise<LedgerViewEntry[]> {
  const access = await requireCaseRole(caller, caseId, 'observer');
  // Entries about a protected item (a captured copy about the source's own legal exposure) are
  // absent without the source-identity grant: its path, hash and the records citing it.
  return repo.caseEntries(caseId, { ...opts, limit: Math.min(Math.max(opts.limit ?? 50, 1), 500), hideProtected: !seesSource(access) });
}
