import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { notFound } from '@custodia/core';
import { locateMediaTools, posterFrame } from '@custodia/media';
import { buildPublicSite } from '@custodia/store';
import { config, operator, printJson, VERSION, withVault } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatBytes } from '../progress.js';
import { verifierBundlePath } from './export.command.js';

interface PublishOptions {
  case: string;
  out: string;
  zip?: boolean;
  operator?: string;
  json?: boolean;
}

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description('build the public static site of a case: its verified incidents marked public, their approved redacted videos and a verification statement for each')
    .requiredOption('-c, --case <name>', 'the case whose incidents marked public are published')
    .requiredOption('-o, --out <dir>', 'the site folder to create (must not exist)')
    .option('--zip', 'also write <out>.zip')
    .option('--operator <name>', 'who is publishing (default: $CUSTODIA_OPERATOR or the OS user)')
    .option('--json', 'print a machine-readable summary on stdout')
    .addHelpText(
      'after',
      `
The site is plain HTML (no script, nothing loaded from elsewhere): index, timeline, a page per
facility and per incident, in English and (under ru/) Russian. It shows only what was written for publication — the public title and
summary, the facility and region, the time, the types of ill-treatment and the number of detainees —
and the redacted videos approved by a second person, each with a poster taken from the redacted
file and a folder verification/<sha256>/ that "node verification/verify.js" checks offline.
Incidents are marked public in the workspace (coordinators). The site is built here, in this
process, into a temporary folder renamed into place (with the zip) when complete, and recorded in the
ledger then: a build that fails records nothing and leaves nothing. (The workspace's "Publish site"
queues the same build for the worker of "custodia serve" or "custodia worker".)

Exit codes: 0 site written · 1 a stored blob failed its hash check (nothing written) ·
2 usage error (unknown case, nothing marked public, folder exists) · 3 could not run.`,
    )
    .action(async (opts: PublishOptions) => {
      const bundle = verifierBundlePath();
      if (!existsSync(bundle)) {
        process.stderr.write(`custodia publish: the offline verifier ${bundle} has not been built: run "npm run build"\n`);
        process.exitCode = EXIT.failure;
        return;
      }
      const tools = await locateMediaTools();
      const cfg = config();
      const r = await withVault(async (vault) => {
        const kase = await vault.repo.findCase(opts.case);
        if (!kase) {
          const names = (await vault.repo.listCases()).map((c) => `"${c.name}"`);
          throw notFound(`no case named "${opts.case}"${names.length ? `; cases: ${names.join(', ')}` : ' (no cases yet)'}`);
        }
        return buildPublicSite(vault, {
          caseId: kase.id,
          outDir: opts.out,
          zip: opts.zip === true,
          actor: operator(cfg, opts.operator),
          verifierBundle: bundle,
          toolVersion: VERSION,
          poster: (video, out) => posterFrame(tools, video, out),
        });
      });
      if (opts.json) printJson(r);
      else {
        process.stdout.write(
          [
            `Public site written: ${r.dir}${r.zip ? ` (and ${r.zip})` : ''}`,
            `  ${r.incidents} incident(s), ${r.videos} redacted video(s), ${r.files} files, ${formatBytes(r.bytes)}`,
            `  statements proven against checkpoint ${r.checkpoint.id} (tree size ${r.checkpoint.treeSize}); recorded as ledger entry #${r.ledgerSeq}`,
            ...r.warnings.map((w) => `  warning: ${w}`),
            ...r.skipped.map((s) => `  left out: incident ${s.incident}${s.redaction !== null ? `, redaction ${s.redaction}` : ''}: ${s.reason}`),
            `Open ${r.dir}/index.html; check a video with "node verification/verify.js verification/<sha256>" from inside it.`,
          ].join('\n') + '\n',
        );
      }
    });
}
