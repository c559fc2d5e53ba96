import type { EvidenceReader } from '@custodia/core';
import { checkStructure, isZipArchive, openChecked, readZip, sniff, totalSize, walkFs } from '@custodia/acquire';

/** Reads evidence from the local filesystem and zip archives (the `@custodia/acquire` adapters). */
export const fsEvidenceReader: EvidenceReader = {
  walk: (roots) => walkFs(roots),
  totalSize: (roots) => totalSize(roots),
  open: (file) => openChecked(file),
  sniff: (head, nameHint) => sniff(head, nameHint),
  checkStructure: (path, format) => checkStructure(path, format),
  isArchive: (format) => isZipArchive(format),
  readArchive: (path) => readZip(path),
};
