// The source intake's staff inbox (ADR 0022) as the browser sees it.

export interface IntakeChannel {
  name: string;
  title: string;
  recipients: { label: string; recipient: string }[];
}
export interface IntakeIdentity {
  recipient: string;
  /** Armored age file encrypted to the user's passphrase; opened only in the browser. */
  protectedIdentity: string;
  createdAt: string;
  updatedAt: string;
}
export interface IntakeOverview {
  connected: boolean;
  portalUrl: string | null;
  channels: IntakeChannel[];
  identity: IntakeIdentity | null;
  error: string | null;
}
export interface IntakeBatch {
  id: string;
  createdAt: string;
  sealedAt: string | null;
  importedAt: string | null;
  purgedAt: string | null;
  state: 'uploading' | 'ready' | 'imported' | 'purged';
  files: number;
  encryptedBytes: number;
}
export interface IntakeSubmission {
  id: string;
  channel: string;
  via: 'portal' | 'form';
  createdAt: string;
  sourceRecipient: string;
  recipients: string[];
  messages: number;
  files: number;
  encryptedBytes: number;
  importStatus: 'nothing-sealed' | 'waiting' | 'importing' | 'imported' | 'partly-imported';
  batches: IntakeBatch[];
}
export interface IntakeMessage {
  id: number;
  author: 'source' | 'staff';
  createdAt: string;
  ciphertext: string;
}
export interface IntakeImportResult {
  submissionId: string;
  files: number;
  bytes: number;
  markedImported: boolean;
  batches: { batchId: string; acquisitionId: number; already: boolean; files: number; bytes: number; markedImported: boolean }[];
  problems: { batchId: string; path: string; reason: string }[];
}
export interface IntakeImportJob {
  id: string;
  submissionId: string;
  caseId: number;
  caseName: string;
  actor: string;
  state: 'running' | 'done' | 'failed' | 'interrupted';
  startedAt: string;
  finishedAt: string | null;
  progress: { batches: number; files: number; bytes: number; plannedFiles: number; plannedBytes: number };
  result: IntakeImportResult | null;
  error: string | null;
}

/** An age header an import needs opened; the browser unwraps its file key (ADR 0028). */
export interface IntakeImportHeader {
  batchId: string;
  uploadId: string | null;
  /** base64 */
  header: string;
  sha256: string;
}
