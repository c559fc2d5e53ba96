import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { decodeEntry } from '@custodia/ledger';
import { anchorCheckpoint, verifyLedger } from '@custodia/store';
import { printJson, withVault } from '../context.js';
import { EXIT } from '../exit-codes.js';

export function registerLedger(program: Command): void {
  const ledger = program.command('ledger').description('the custody ledger: verify it, sign its head, list entries');

  ledger
    .command('verify')
    .description('recompute the Merkle tree from every entry and check every checkpoint, timestamp and evidence record against it')
    .option('--key <vkey>', 'the verifier key you trust (as published at init); default: the instance key on record')
    .option('--key-file <file>', 'read the trusted verifier key from a file')
    .option('--tsa-ca <file>', 'CA certificate(s) to check timestamp tokens with openssl (default: $CUSTODIA_TSA_CA_FILE)')
    .option('--json', 'machine-readable result')
    .addHelpText('after', '\nExit codes: 0 intact · 1 a problem was found (each is named with where it is) · 2 usage · 3 could not run.')
    .action(async (opts: { key?: string; keyFile?: string; tsaCa?: string; json?: boolean }) => {
      const trusted = opts.key ?? (opts.keyFile ? readFileSync(opts.keyFile, 'utf8').trim() : undefined);
      const r = await withVault((vault) =>
        verifyLedger(vault, {
          ...(trusted ? { trustedVerifierKey: trusted } : {}),
          ...(opts.tsaCa ? { tsaCaFile: opts.tsaCa } : {}),
        }),
      );
      if (opts.json) printJson(r);
      else {
        const out = [
          `Ledger: ${r.entries} entries, ${r.checkpoints} signed checkpoints (latest covers ${r.latestCheckpointSize}), ${r.items} items cross-checked`,
          `  timestamp tokens: ${r.timestampTokens.checked} checked, ${r.timestampTokens.verifiedWithOpenssl} verified with openssl`,
        ];
        if (r.uncovered > 0) out.push(`  ${r.uncovered} newest entries are not yet signed: run "custodia ledger checkpoint"`);
        if (r.ok) out.push('  INTACT');
        else {
          out.push(`  ${r.problems.length} PROBLEM(S):`);
          for (const p of r.problems) out.push(`    ${p.where}: ${p.problem}`);
        }
        process.stdout.write(out.join('\n') + '\n');
      }
      if (!r.ok) process.exitCode = EXIT.partial;
    });

  ledger
    .command('checkpoint')
    .description('sign the current tree head now (and timestamp it with $CUSTODIA_TSA_URLS), printing the signed note')
    .option('--json', 'machine-readable result')
    .action(async (opts: { json?: boolean }) => {
      const r = await withVault((vault) => vault.checkpoint());
      if (opts.json) printJson({ id: r.checkpoint.id, treeSize: r.checkpoint.treeSize, note: r.checkpoint.note, timestamps: r.anchors });
      else {
        process.stdout.write(r.checkpoint.note);
        for (const a of r.anchors) process.stdout.write(`timestamp ${a.url}: ${a.ok ? 'ok' : `FAILED: ${a.error}`}\n`);
      }
      if (r.anchors.some((a) => !a.ok)) process.exitCode = EXIT.partial;
    });

  ledger
    .command('anchor')
    .description('timestamp every checkpoint that a configured TSA has not yet timestamped (retries after an outage)')
    .option('--json', 'machine-readable result')
    .action(async (opts: { json?: boolean }) => {
      const results = await withVault(async (vault) => {
        if (vault.config.tsaUrls.length === 0) {
          process.stderr.write('custodia: no timestamp authority configured: set CUSTODIA_TSA_URLS\n');
          process.exitCode = EXIT.usage;
          return [];
        }
        const all = [];
        for (const cp of await vault.ledger.checkpoints(vault.db)) {
          for (const a of await anchorCheckpoint(vault.db, cp, vault.config)) all.push({ checkpoint: cp.id, ...a });
        }
        return all;
      });
      if (opts.json) printJson(results);
      else for (const a of results) process.stdout.write(`checkpoint ${a.checkpoint} ${a.url}: ${a.ok ? 'ok' : `FAILED: ${a.error}`}\n`);
      if (results.some((a) => !a.ok)) process.exitCode = EXIT.partial;
    });

  ledger
    .command('show')
    .description('list ledger entries (newest last)')
    .option('--from <seq>', 'first entry', '0')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'the entries as JSON')
    .action(async (opts: { from: string; limit: string; json?: boolean }) => {
      const from = Number(opts.from);
      const limit = Number(opts.limit);
      if (!Number.isInteger(from) || from < 0 || !Number.isInteger(limit) || limit < 1) {
        process.stderr.write('custodia ledger show: --from and --limit take whole numbers\n');
        process.exitCode = EXIT.usage;
        return;
      }
      const entries = await withVault(async (vault) =>
        (await vault.ledger.slice(vault.db, from, limit)).map((row) => decodeEntry(row.entry)),
      );
      if (opts.json) printJson(entries);
      else for (const e of entries) process.stdout.write(`#${e.seq} ${e.time} ${e.actor} ${e.action} ${e.subjects.map((s) => s.slice(0, 12)).join(',')} ${JSON.stringify(e.details)}\n`);
    });
}
