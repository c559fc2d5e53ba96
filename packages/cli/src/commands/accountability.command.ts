import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { conflict, exportAccountability, invalid, notFound, type Caller, type CaseAccess } from '@custodia/core';
import { documentationRepos, type Vault } from '@custodia/store';
import { importAccountabilityFile } from '../accountability/import-file.js';
import { config, host, operator, printJson, VERSION, withVault } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * The command line acts for a workspace account (recorded in the ledger) with every grant: whoever
 * runs it holds the instance's database and keys already.
 */
async function commandLineCaller(vault: Vault, username: string | undefined): Promise<Caller> {
  const r = username
    ? await vault.db.query<{ id: number; username: string }>('SELECT id, username FROM users WHERE username = $1 AND NOT disabled', [username])
    : await vault.db.query<{ id: number; username: string }>('SELECT id, username FROM users WHERE is_admin AND NOT disabled ORDER BY id LIMIT 1');
  const u = r.rows[0];
  if (!u) throw username ? notFound(`no active account "${username}"`) : invalid('no administrator account to record the import under: create one with "custodia user add --admin NAME" or pass --as USERNAME');
  const full: CaseAccess = { role: 'admin', grants: ['protected-identities', 'source-identity'] };
  return { userId: Number(u.id), username: u.username, isAdmin: true, access: async () => full, strongestRole: async () => 'admin' };
}

export function registerAccountability(program: Command): void {
  const acc = program.command('accountability').description('the accountability tracker: what the evidence changed (dismissals, criminal cases, the source\'s own legal exposure)');

  acc
    .command('import')
    .description('import proceedings, events, sources, persons and claims from a "custodia-accountability/1" file')
    .argument('<file>', 'the JSON file; captured copies are named relative to it')
    .requiredOption('-c, --case <name>', 'the case (created if new)')
    .option('--as <username>', 'the workspace account the import is recorded under (default: the first administrator)')
    .option('--json', 'print a machine-readable summary on stdout')
    .addHelpText(
      'after',
      `
The whole file is checked first: its shape (unknown keys refused), every source and person key,
every date, and every quote, which must occur verbatim in its source's captured copy. A refused
file writes nothing and the error names the record (e.g. proceedings[0] "officials-fired"
events[0] claims[1]). Captured copies the case does not hold yet are then preserved as evidence
items (hashed, stored once, ledgered), and the records are written in one transaction, each with
its ledger entry. Importing the same file again adds nothing (records are keyed per case).

Format: docs/adr/0019-accountability.md; schema: packages/cli/src/accountability/accountability-file.schema.ts.

Exit codes: 0 imported (or nothing new) · 2 the file or the options are refused (nothing written) · 3 could not run.`,
    )
    .action(async (file: string, opts: { case: string; as?: string; json?: boolean }) => {
      const cfg = config();
      await withVault(async (vault) => {
        const caller = await commandLineCaller(vault, opts.as);
        const r = await importAccountabilityFile(vault, { caller: () => caller, operator: operator(cfg), host: host(), toolVersion: VERSION }, opts.case, file);
        await vault.checkpoint();
        if (opts.json) printJson({ case: r.caseId, fileSha256: r.fileSha256, acquisition: r.acquisitionId, created: r.result.created, alreadyThere: r.result.alreadyThere });
        else {
          const c = r.result.created;
          const a = r.result.alreadyThere;
          process.stdout.write(
            [
              `Imported into case ${opts.case} (file sha256 ${r.fileSha256})`,
              `  created:       ${c.proceedings} proceeding(s), ${c.events} event(s), ${c.sources} source(s), ${c.persons} person(s), ${c.claims} claim(s), ${c.facilities} facility(ies)`,
              `  already there: ${a.proceedings} proceeding(s), ${a.sources} source(s), ${a.persons} person(s)`,
              `  captured copies: ${r.acquisitionId === null ? 'already in the vault' : `preserved as acquisition ${r.acquisitionId}`}`,
            ].join('\n') + '\n',
          );
        }
      });
      process.exitCode = EXIT.ok;
    });

  acc
    .command('export')
    .description('the case\'s accountability records as CSV (one row per event) or JSON')
    .requiredOption('-c, --case <name>', 'the case')
    .option('-f, --format <csv|json>', 'csv or json', 'json')
    .option('--facility <id>', 'only this facility or region (and what lies under it)')
    .option('--with-source-exposure', 'include the source\'s own legal exposure and the person who is the source (left out otherwise)')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      `
CSV cells are quoted as RFC 4180 says, and a cell starting with = + - @ is prefixed with ' so that
a spreadsheet shows it as text. The export is recorded in the ledger (format, hash of the output).

Exit codes: 0 written · 2 usage error (unknown case, bad format) · 3 could not run.`,
    )
    .action(async (opts: { case: string; format: string; facility?: string; withSourceExposure?: boolean; out?: string }) => {
      if (opts.format !== 'csv' && opts.format !== 'json') throw invalid('--format takes csv or json');
      const facilityId = opts.facility !== undefined ? Number(opts.facility) : undefined;
      if (facilityId !== undefined && !(Number.isInteger(facilityId) && facilityId > 0)) throw invalid('--facility takes a facility id');
      const format = opts.format;
      const cfg = config();
      await withVault(async (vault) => {
        const kase = await vault.repo.findCase(opts.case);
        if (!kase) throw notFound(`no case "${opts.case}"`);
        const repos = documentationRepos(vault.db, vault.ledger);
        // Reading writes no record, so the operator needs no workspace account here.
        const reader: Caller = { userId: 0, username: operator(cfg), isAdmin: true, access: async () => ({ role: 'admin', grants: ['protected-identities', 'source-identity'] }), strongestRole: async () => 'admin' };
        const out = await exportAccountability(repos, reader, kase.id, { format, withSourceExposure: opts.withSourceExposure === true, ...(facilityId !== undefined ? { facilityId } : {}) });
        const sha256 = createHash('sha256').update(out.body).digest('hex');
        await vault.db.transaction((tx) =>
          vault.ledger.append(tx, { actor: operator(cfg), action: 'accountability-exported', details: { case: kase.id, format, withSourceExposure: opts.withSourceExposure === true, sha256 } }),
        );
        if (opts.out) {
          await writeFile(opts.out, out.body, { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
            throw e.code === 'EEXIST' ? conflict(`${opts.out} exists already: choose another file`) : e;
          });
        }
        else process.stdout.write(out.body);
      });
      process.exitCode = EXIT.ok;
    });
}
