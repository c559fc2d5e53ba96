import type { Acquisition, AcquisitionStatus, Item } from '../evidence.js';

export interface Case {
  id: number;
  name: string;
  createdAt: Date;
}

/** An acquisition as the use case starts it; the repository adds id, times, status and manifest. */
export type NewAcquisition = Omit<Acquisition, 'id' | 'startedAt' | 'finishedAt' | 'status' | 'manifestSha256'>;

/** An item as found; the repository adds its id and ledger entry. */
export type NewItem = Omit<Item, 'id' | 'ledgerSeq'>;

export interface AcquisitionSummary {
  files: number;
  bytes: number;
  newBlobs: number;
  duplicates: number;
  problems: number;
  byStatus: Record<string, number>;
}

/** Persistence of cases, acquisitions and items. Each write is one transaction with its ledger entry. */
export interface VaultRepo {
  ensureCase(name: string, actor: string): Promise<Case>;
  findCase(name: string): Promise<Case | null>;
  findAcquisitionByKey(caseId: number, resumeKey: string): Promise<Acquisition[]>;
  startAcquisition(input: NewAcquisition, actor: string): Promise<Acquisition>;
  /** Items already recorded for an acquisition, for resuming it. */
  itemsOf(acquisitionId: number): Promise<Item[]>;
  /**
   * Records a found item; blobs named by `sha256` are registered if new. `protect`: the item is a
   * protected item (ADR 0021) from the transaction that records it, so it is never listed unprotected.
   */
  recordItem(input: NewItem, blobCreated: boolean, actor: string, opts?: { protect?: boolean }): Promise<Item>;
  finishAcquisition(
    id: number,
    result: { status: AcquisitionStatus; manifestSha256: string; manifestSize: number; summary: AcquisitionSummary },
    actor: string,
  ): Promise<Acquisition>;
}
