/** A named items query of one user in one case. UI state, not evidence: not ledgered. */
export interface SavedView {
  id: number;
  caseId: number;
  userId: number;
  name: string;
  query: Record<string, unknown>;
  createdAt: Date;
}

export interface SavedViewRepo {
  views(caseId: number, userId: number): Promise<SavedView[]>;
  view(id: number): Promise<SavedView | null>;
  /** Saves under the name, replacing the user's view of the same name. */
  saveView(v: Omit<SavedView, 'id' | 'createdAt'>): Promise<SavedView>;
  deleteView(id: number): Promise<void>;
  renameView(id: number, name: string): Promise<SavedView>;
}
