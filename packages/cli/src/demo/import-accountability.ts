// The one place the demo loads its accountability file: through the accountability importer
// (format "custodia-accountability/1"), exactly as `custodia accountability import --case NAME
// FILE.json` does — every quote checked against its captured report, the reports preserved as
// evidence items, each record ledgered. `caller` is the demo administrator, an admin member of the
// case holding both grants (the source's exposure needs `source-identity`).
import type { Caller } from '@custodia/core';
import type { Vault } from '@custodia/store';
import { importAccountabilityFile } from '../accountability/import-file.js';
import { host, VERSION } from '../context.js';

export interface AccountabilityImportResult {
  status: 'imported';
  /** What the importer created (zero everywhere when the file was imported before). */
  summary: Record<string, number>;
  note: string | null;
}

export async function importAccountability(
  vault: Vault,
  input: { caseName: string; file: string; actor: string; caller: Caller },
): Promise<AccountabilityImportResult> {
  const r = await importAccountabilityFile(vault, { caller: () => input.caller, operator: input.actor, host: host(), toolVersion: VERSION }, input.caseName, input.file);
  return { status: 'imported', summary: { ...r.result.created }, note: null };
}
