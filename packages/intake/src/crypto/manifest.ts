/** The encrypted manifest of one batch: what the source's device says it sent. */
export interface ManifestFile {
  uploadId: string;
  /** Relative path as chosen (folder upload keeps the folder structure), `/`-separated. */
  path: string;
  size: number;
  /** Last-modified time as the browser saw it (ISO 8601), or null. */
  mtime: string | null;
  /** SHA-256 of the plaintext, computed on the source's device while encrypting. */
  sha256: string;
  /** Plaintext length after padding (the age file holds this many bytes; zeros after `size`). */
  paddedSize: number;
}

export interface Manifest {
  format: 'custodia-intake-manifest/v1';
  batchId: string;
  createdAt: string;
  files: ManifestFile[];
}

export const MANIFEST_FORMAT = 'custodia-intake-manifest/v1' as const;
