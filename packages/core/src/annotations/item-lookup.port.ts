/** What documentation needs to know about an item of evidence. */
export interface ItemRef {
  id: number;
  caseId: number;
  /** The original's SHA-256 (null for an item whose bytes could not be preserved). */
  sha256: string | null;
  /** A captured copy about the source's own legal exposure: absent without the source-identity grant (ADR 0021). */
  protected?: boolean;
}

export interface ItemLookup {
  itemRefs(ids: readonly number[]): Promise<ItemRef[]>;
}
