import { createHash } from 'node:crypto';
import { canonicalJson } from '@custodia/ledger';

/**
 * What a documentation change writes to the custody ledger. The use case decides it; the
 * repository appends it in the transaction that stores the record, so one never exists without
 * the other. `subjects` are the SHA-256s of the evidence concerned.
 */
export interface LedgerNote {
  action: string;
  subjects: string[];
  details: Record<string, unknown>;
}

/**
 * SHA-256 of a record's canonical JSON: free text (notes, descriptions) goes to the ledger as this
 * hash, so the ledger proves what was written without holding text that may later have to be erased.
 *
 * @example contentHash({ note: 'x' }) // => 64 hex digits, the same for the same content in any key order
 */
export const contentHash = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('hex');

export const uniqueSorted = (xs: readonly string[]): string[] => [...new Set(xs)].sort();

/** The keys of a change that are set (canonical JSON has no `undefined`). */
export function definedOnly(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}
