import type { Command } from 'commander';
import { checkFixity, verifyFile, type FileVerification } from '@custodia/store';
import { config, operator, printJson, withVault } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatBytes } from '../progress.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('does the vault hold this file? Since when, from which acquisition, with its inclusion proof. --all: fixity check of every stored blob')
    .argument('[file...]', 'files to look up by their SHA-256')
    .option('--all', 're-hash every stored original and derivative and name any whose bytes changed (a fixity check)')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `
Fixity on a schedule: run "custodia verify --all --json" from cron or a systemd timer (see
docs/operations.md). Each run is recorded in the custody ledger with its outcome.

Exit codes: 0 every file held / every blob intact · 1 a file is not held, or a blob failed fixity ·
2 usage or configuration error · 3 could not run.`,
    )
    .action(async (files: string[], opts: { all?: boolean; json?: boolean }) => {
      if (!opts.all && files.length === 0) {
        process.stderr.write('custodia verify: name a file, or use --all for a fixity check of the whole vault\n');
        process.exitCode = EXIT.usage;
        return;
      }
      const cfg = config();
      await withVault(async (vault) => {
        if (opts.all) {
          const r = await checkFixity(vault, { actor: operator(cfg) });
          if (opts.json) printJson(r);
          else {
            process.stdout.write(
              `Fixity: ${r.blobs} blobs, ${formatBytes(r.bytes)} re-hashed: ${r.ok ? 'all intact' : `${r.failures.length} FAILED`}\n`,
            );
            for (const f of r.failures) {
              process.stdout.write(`  ${f.problem.toUpperCase()} ${f.sha256}: ${f.detail}\n`);
              for (const it of f.items) process.stdout.write(`      item ${it.id}: ${it.path}\n`);
            }
            if (r.unrecorded.length) {
              process.stdout.write(`  ${r.unrecorded.length} stored file(s) named by no record (left by an interrupted run; harmless)\n`);
            }
            process.stdout.write(`  recorded as ledger entry #${r.ledgerSeq}\n`);
          }
          if (!r.ok) process.exitCode = EXIT.partial;
          return;
        }
        const results: FileVerification[] = [];
        for (const f of files) results.push(await verifyFile(vault, f));
        if (opts.json) printJson(results.length === 1 ? results[0] : results);
        else for (const r of results) printOne(r);
        if (results.some((r) => !r.held || r.occurrences.some((o) => o.inclusion && !o.inclusion.verified))) {
          process.exitCode = EXIT.partial;
        }
      });
    });
}

function printOne(r: FileVerification): void {
  const out = [`${r.path}`, `  sha256 ${r.sha256}  (${formatBytes(r.size)})`];
  if (!r.held) {
    out.push('  NOT in the vault');
  } else {
    out.push(`  held since ${r.firstStoredAt}`);
    for (const o of r.occurrences) {
      out.push(
        `  item ${o.item} in case "${o.case}": ${o.originalPath}`,
        `    acquisition ${o.acquisition} (${o.acquisitionStartedAt}, by ${o.operator}${o.sourceLabel ? `, source: ${o.sourceLabel}` : ''})`,
        `    ledger entry #${o.ledgerSeq} at ${o.entryTime}: ` +
          (o.inclusion
            ? `inclusion proof against checkpoint ${o.inclusion.checkpointId} (size ${o.inclusion.treeSize}) ${o.inclusion.verified ? 'VERIFIED' : 'FAILED'}`
            : 'not yet covered by a signed checkpoint'),
      );
    }
    if (r.checkpoint) out.push(`  checkpoint ${r.checkpoint.id} signature ${r.checkpoint.signatureValid ? 'valid' : 'INVALID'}`);
  }
  process.stdout.write(out.join('\n') + '\n');
}
