import type { Acquisition, AcquisitionKind, AcquisitionStatus, Item, ItemKind, ItemStatus } from '../evidence.js';

export interface Case {
  id: number;
  name: string;
  createdAt: Date;
}

export interface NewAcquisition {
  caseId: number;
  kind: AcquisitionKind;
  resumeKey: string;
  operator: string;
  host: string;
  toolVersion: string;
  sourceLabel: string | null;
  note: string | null;
  roots: string[];
  options: Record<string, unknown>;
}

export interface NewItem {
  caseId: number;
  acquisitionId: number;
  parentId: number | null;
  memberIndex: number | null;
  rawPath: Buffer;
  displayPath: string;
  relPath: string;
  pathEncoding: string;
  size: number | null;
  /** ISO time with zone for filesystem files; zone-less local time for archive members. */
  mtime: string | null;
  sha256: string | null;
  kind: ItemKind;
  format: string;
  status: ItemStatus;
  reason: string | null;
}

export interface ItemKey {
  parentId: number | null;
  memberIndex: number | null;
  rawPath: Buffer;
}

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
  /** Records a found item; blobs named by `sha256` are registered if new. */
  recordItem(input: NewItem, blobCreated: boolean, actor: string): Promise<Item>;
  finishAcquisition(
    id: number,
    result: { status: AcquisitionStatus; manifestSha256: string; manifestSize: number; summary: AcquisitionSummary },
    actor: string,
  ): Promise<Acquisition>;
}
