import type { LedgerNote } from '../access/ledger-note.js';

export type TermKind = 'ill-treatment' | 'facility-type';

/** Labels per locale; English and Russian always, others (e.g. `uk`) welcome. */
export type TermLabels = { en: string; ru: string } & Record<string, string>;

export interface Term {
  id: number;
  kind: TermKind;
  /** A stable identifier (`beating`); labels change, keys do not. */
  key: string;
  labels: TermLabels;
  parentId: number | null;
  builtIn: boolean;
  archived: boolean;
}

export interface NewTerm {
  kind: TermKind;
  key: string;
  labels: TermLabels;
  parentId: number | null;
}

export interface TermChange {
  labels?: TermLabels;
  parentId?: number | null;
  archived?: boolean;
}

export interface TaxonomyRepo {
  terms(kind?: TermKind): Promise<Term[]>;
  termsByIds(ids: readonly number[]): Promise<Term[]>;
  createTerm(term: NewTerm, actor: string, note: (id: number) => LedgerNote): Promise<Term>;
  updateTerm(id: number, change: TermChange, actor: string, note: LedgerNote): Promise<Term>;
}
