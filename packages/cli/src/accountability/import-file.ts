import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { importAccountability, ingest, invalid, type CapturedCopy, type Caller, type ImportResult } from '@custodia/core';
import { asText, documentationRepos, type Vault } from '@custodia/store';
import { fsEvidenceReader } from '../evidence-reader.js';
import { parseAccountabilityFile } from './accountability-file.schema.js';

export interface ImportFileResult {
  caseId: number;
  fileSha256: string;
  /** Captured copies preserved by this run (an ingest acquisition), or null when all were in the vault already. */
  acquisitionId: number | null;
  result: ImportResult;
}

/**
 * The command line's import: parse and check the whole file (every quote against its captured
 * copy) before anything is written; preserve the captured copies that the case does not hold yet
 * as evidence items (the ordinary ingest: hashed, stored once, ledgered); then write the records
 * in one transaction. A refused file leaves nothing behind.
 */
export async function importAccountabilityFile(
  vault: Vault,
  who: { caller: (caseId: number) => Caller; operator: string; host: string; toolVersion: string },
  caseName: string,
  filePath: string,
): Promise<ImportFileResult> {
  const path = resolve(filePath);
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    throw invalid(`cannot read ${filePath}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  const fileSha256 = createHash('sha256').update(bytes).digest('hex');
  let file;
  try {
    file = parseAccountabilityFile(bytes.toString('utf8'), basename(path));
  } catch (e) {
    throw invalid((e as Error).message);
  }

  const copies = new Map<string, { path: string; sha256: string; text: string | null }>();
  for (const [i, s] of file.sources.entries()) {
    if (!s.capturedCopy) continue;
    const p = resolve(dirname(path), s.capturedCopy);
    const b = await readFile(p).catch((e: NodeJS.ErrnoException) => {
      throw invalid(`sources[${i}] "${s.key}": cannot read the captured copy ${s.capturedCopy}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    });
    if (b.length === 0) throw invalid(`sources[${i}] "${s.key}": the captured copy ${s.capturedCopy} is empty`);
    copies.set(s.key, { path: p, sha256: createHash('sha256').update(b).digest('hex'), text: asText(b) });
  }

  const deps = { importer: documentationRepos(vault.db, vault.ledger).importer };
  const provisional = new Map<string, CapturedCopy>([...copies].map(([k, c]) => [k, { itemId: 0, sha256: c.sha256, text: c.text }]));
  // Checked before the case is created or anything preserved: a refused file leaves no trace.
  const existing = await vault.repo.findCase(caseName);
  await importAccountability(deps, who.caller(existing?.id ?? 0), existing?.id ?? 0, file, provisional, fileSha256, { checkOnly: true });
  const kase = existing ?? (await vault.repo.ensureCase(caseName, who.operator));
  const caller = who.caller(kase.id);

  const held = async () => {
    const items = await vault.repo.itemsOfCase(kase.id);
    return new Map(items.filter((it) => it.sha256 && it.status === 'ok').map((it) => [it.sha256!, it.id]));
  };
  let inVault = await held();
  const missing = [...new Set([...copies.values()].filter((c) => !inVault.has(c.sha256)).map((c) => c.path))];
  let acquisitionId: number | null = null;
  if (missing.length > 0) {
    const r = await ingest(
      {
        caseName: kase.name,
        roots: missing,
        sourceLabel: `captured copies of the sources in ${basename(path)}`,
        note: `accountability import, file sha256 ${fileSha256}`,
        operator: who.operator,
        host: who.host,
        toolVersion: who.toolVersion,
        again: true,
      },
      { repo: vault.repo, blobs: vault.blobs, reader: fsEvidenceReader },
    );
    acquisitionId = r.acquisition.id;
    if (r.problems.length > 0) throw invalid(`a captured copy could not be preserved cleanly: ${r.problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`);
    inVault = await held();
  }
  const captured = new Map<string, CapturedCopy>();
  for (const [k, c] of copies) {
    const itemId = inVault.get(c.sha256);
    if (itemId === undefined) throw invalid(`the captured copy of source "${k}" is not in the vault after preserving it`);
    captured.set(k, { itemId, sha256: c.sha256, text: c.text });
  }
  const result = (await importAccountability(deps, caller, kase.id, file, captured, fileSha256))!;
  return { caseId: kase.id, fileSha256, acquisitionId, result };
}
