// The one place the demo loads its accountability file: through the accountability importer
// (format "custodia-accountability/1"; `custodia accountability import --case NAME FILE.json`).
// This build has no importer, so the call reports that it is pending and the demo says so. With
// the importer in the build, this function's body becomes:
//
//   import { importAccountabilityFile } from '../accountability/import-file.js';
//   import { host, VERSION } from '../context.js';
//   const r = await importAccountabilityFile(
//     vault, { caller: () => input.caller, operator: input.actor, host: host(), toolVersion: VERSION }, input.caseName, input.file);
//   return { status: 'imported', summary: { ...r.result.created }, note: null };
//
// (`input.caller` is the demo administrator, an admin member of the case holding both grants.)
import type { Caller } from '@custodia/core';
import type { Vault } from '@custodia/store';

export interface AccountabilityImportResult {
  /** 'imported': the importer ran; 'unavailable': this build has no importer (the file is written, not loaded). */
  status: 'imported' | 'unavailable';
  /** What the importer created, when it ran. */
  summary: Record<string, number> | null;
  /** Why nothing was imported, when nothing was. */
  note: string | null;
}

export async function importAccountability(
  vault: Vault,
  input: { caseName: string; file: string; actor: string; caller: Caller },
): Promise<AccountabilityImportResult> {
  return {
    status: 'unavailable',
    summary: null,
    note: `this build has no accountability importer; the file is ready for it: CUSTODIA_HOME=${vault.config.home} custodia accountability import --case "${input.caseName}" --as ${input.caller.username} ${input.file}`,
  };
}
