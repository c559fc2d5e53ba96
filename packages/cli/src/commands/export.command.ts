import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { exportCourtPackage, type ExportScope } from '@custodia/store';
import { config, host, operator, printJson, VERSION, withVault } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatBytes } from '../progress.js';

interface ExportOptions {
  case?: string;
  items?: string;
  incident?: string;
  withOriginals?: boolean;
  withSourceProtected?: boolean;
  zip?: boolean;
  out: string;
  operator?: string;
  json?: boolean;
  progress?: boolean;
}

/** The single-file offline verifier made by scripts/build-verifier.mjs (part of `npm run build`). */
export function verifierBundlePath(): string {
  try {
    return fileURLToPath(import.meta.resolve('@custodia/verify/bundle'));
  } catch {
    return fileURLToPath(new URL('../../../verify/dist/verify.js', import.meta.url));
  }
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('make a court package: evidence files, manifest, ledger entries with proofs, signed checkpoint, timestamps, PDF report and an offline verifier')
    .option('-c, --case <name>', 'export every item of a case')
    .option('--items <ids>', 'export these items (comma-separated ids, as "custodia report --json" lists them)')
    .option('--incident <id>', 'export the items an incident\'s current evidence segments cite, with the incident and its segments')
    .option('--with-originals', 'include the original files (otherwise only derivatives, hashes and proofs)')
    .option('--with-source-protected', 'include protected items (captured copies about the source\'s own legal exposure); left out otherwise')
    .option('--zip', 'also write <out>.zip (stored entries, zip64 when large)')
    .requiredOption('-o, --out <dir>', 'the package folder to create (must not exist)')
    .option('--operator <name>', 'who is exporting (default: $CUSTODIA_OPERATOR or the OS user)')
    .option('--json', 'print a machine-readable summary on stdout')
    .option('--no-progress', 'no progress on the terminal')
    .addHelpText(
      'after',
      `
The package verifies offline with "node verify.js <dir>" (no install), with "sha256sum -c
SHA256SUMS" and with "openssl ts -verify"; VERIFY.md inside explains each step. The export is
recorded in the ledger, and a fresh checkpoint is signed (and timestamped when a TSA is
configured) so that every entry in the package is covered.

Exit codes: 0 package written · 1 a stored blob failed its hash check (nothing exported) ·
2 usage error (unknown case or item, folder exists) · 3 could not run.`,
    )
    .action(async (opts: ExportOptions) => {
      const chosen = [opts.case, opts.items, opts.incident].filter((v) => v !== undefined);
      if (chosen.length !== 1) {
        process.stderr.write('custodia export: give exactly one of --case, --items or --incident\n');
        process.exitCode = EXIT.usage;
        return;
      }
      let scope: ExportScope;
      if (opts.case !== undefined) scope = { kind: 'case', name: opts.case };
      else if (opts.items !== undefined) {
        const parts = opts.items.split(',').map((s) => s.trim()).filter(Boolean);
        const bad = parts.filter((p) => !/^[1-9][0-9]*$/.test(p));
        if (bad.length || parts.length === 0) {
          process.stderr.write(`custodia export: --items takes item ids separated by commas, e.g. 12,13,40 (not ${JSON.stringify(bad[0] ?? opts.items)})\n`);
          process.exitCode = EXIT.usage;
          return;
        }
        scope = { kind: 'items', ids: [...new Set(parts.map(Number))] };
      } else scope = { kind: 'incident', id: opts.incident! };

      const bundle = verifierBundlePath();
      if (!existsSync(bundle)) {
        process.stderr.write(`custodia export: the offline verifier ${bundle} has not been built: run "npm run build"\n`);
        process.exitCode = EXIT.failure;
        return;
      }
      const cfg = config();
      const showProgress = opts.progress !== false && !opts.json && process.stderr.isTTY === true;
      const r = await withVault((vault) =>
        exportCourtPackage(vault, {
          scope,
          withOriginals: opts.withOriginals === true,
          withSourceProtected: opts.withSourceProtected === true,
          outDir: opts.out,
          zip: opts.zip === true,
          verifierBundle: bundle,
          operator: operator(cfg, opts.operator),
          host: host(),
          toolVersion: VERSION,
          onProgress: showProgress
            ? (p) => process.stderr.write(`\r${p.phase}: ${p.done}/${p.total}  ${formatBytes(p.bytes)}   `)
            : undefined,
        }),
      );
      if (showProgress) process.stderr.write('\n');
      if (opts.json) printJson(r);
      else {
        process.stdout.write(
          [
            `Court package written: ${r.dir}${r.zip ? ` (and ${r.zip})` : ''}`,
            `  ${r.items} items, ${r.originals} original file(s), ${r.derivatives} derivative file(s), ${formatBytes(r.bytes)} of evidence files`,
            `  ${r.ledgerEntries} ledger entries with inclusion proofs against checkpoint ${r.checkpoint.id} (tree size ${r.checkpoint.treeSize}); ${r.timestamps} timestamp token(s)`,
            `  recorded as ledger entry #${r.ledgerSeq}`,
            ...r.anchorFailures.map((f) => `  warning: the timestamp authority failed (${f}); "custodia ledger anchor" retries`),
            `Check it: node ${r.dir}/verify.js ${r.dir}`,
          ].join('\n') + '\n',
        );
      }
    });
}
