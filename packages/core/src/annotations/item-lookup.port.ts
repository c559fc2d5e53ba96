/** What documentation needs to know about an item of evidence. */
export interface ItemRef {
  id: number;
  caseId: number;
  /** The original's SHA-256 (null for an item whose bytes could not be preserved). */
  sha256: string | null;
}

export interface ItemLookup {
  itemRefs(ids: readonly number[]): Promise<ItemRef[]>;
}
