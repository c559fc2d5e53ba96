// The one place the demo loads its accountability file: through the accountability importer
// (format "custodia-accountability/1", `custodia accountability import --case NAME FILE.json`).
// This build has no importer yet, so the call reports that it is pending and the demo says so;
// wiring it is this function's body only (open the use case on `vault`, import `file` into the
// case as `actor`, return its counts).
import type { Vault } from '@custodia/store';

export interface AccountabilityImportResult {
  /** 'imported': the importer ran; 'unavailable': this build has no importer (the file is written, not loaded). */
  status: 'imported' | 'unavailable';
  /** What the importer added, when it ran (its own summary). */
  summary: Record<string, number> | null;
  /** Why nothing was imported, when nothing was. */
  note: string | null;
}

export async function importAccountability(
  _vault: Vault,
  input: { caseName: string; file: string; actor: string },
): Promise<AccountabilityImportResult> {
  return {
    status: 'unavailable',
    summary: null,
    note: `this build has no accountability importer; the file is ready: custodia accountability import --case "${input.caseName}" ${input.file}`,
  };
}
