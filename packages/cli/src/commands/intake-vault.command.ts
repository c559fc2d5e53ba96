import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { invalid, type IngestProgress } from '@custodia/core';
import { importSubmission, ledgerIntakeDeletions, open as openSealed, PullClient, seal, unlockIdentity, type DeletionSync, type ImportResult } from '@custodia/intake';
import { config, operator, printJson, withVault } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { vaultIngestBatch } from '../intake-ingest.js';
import { readPassphrase } from '../passphrase-prompt.js';
import { formatBytes, ProgressLine } from '../progress.js';

function pullClient(opts: { url?: string; token?: string }): PullClient {
  const env = z.object({ CUSTODIA_INTAKE_URL: z.string().url().optional(), CUSTODIA_INTAKE_TOKEN: z.string().min(20).optional() }).safeParse(process.env);
  if (!env.success) throw invalid(`bad intake settings: ${env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const url = opts.url ?? env.data.CUSTODIA_INTAKE_URL;
  const token = opts.token ?? env.data.CUSTODIA_INTAKE_TOKEN;
  if (!url) throw invalid('which intake? set CUSTODIA_INTAKE_URL or pass --url');
  if (!token) throw invalid('the pull token is missing: set CUSTODIA_INTAKE_TOKEN (made by "custodia intake token" on the intake machine)');
  return new PullClient(url.replace(/\/+$/, ''), token);
}

async function unlock(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw invalid(`cannot read the identity file ${path}: ${e.code ?? e.message}`);
  });
  const pass = await readPassphrase(`Passphrase for ${path}: `);
  try {
    return await unlockIdentity(text, pass);
  } catch (e) {
    throw invalid(`${path}: ${(e as Error).message}`);
  }
}

interface PullOpts {
  url?: string;
  token?: string;
  json?: boolean;
}

export function registerIntakeVault(intake: Command): void {
  const withPull = (c: Command) => c.option('--url <url>', 'the intake (default $CUSTODIA_INTAKE_URL)').option('--token <token>', 'the pull token (default $CUSTODIA_INTAKE_TOKEN)').option('--json', 'machine-readable output');

  withPull(intake.command('inbox'))
    .description('list submissions on the intake; with --identity, read their messages')
    .option('-i, --identity <file>', 'a passphrase-protected recipient identity, to decrypt messages')
    .action(async (opts: PullOpts & { identity?: string }) => {
      const pull = pullClient(opts);
      const identity = opts.identity ? await unlock(opts.identity) : null;
      const subs = await pull.submissions();
      const rows = [];
      for (const s of subs) {
        const messages = identity
          ? await Promise.all(
              (await pull.messages(s.id)).map(async (m) => ({
                author: m.author,
                at: m.createdAt,
                text: await openSealed(m.ciphertext, [identity]).then((b) => new TextDecoder().decode(b), () => '(not encrypted to this identity)'),
              })),
            )
          : undefined;
        const batches = s.batches.map((b) => ({
          id: b.id,
          state: b.purgedAt ? 'purged' : b.importedAt ? 'imported' : b.sealedAt ? 'ready' : 'uploading',
          files: b.files.length,
          bytes: b.files.reduce((n, f) => n + f.size, 0),
        }));
        rows.push({ id: s.id, channel: s.channel, via: s.via, createdAt: s.createdAt, batches, messages: messages ?? s.messages });
      }
      if (opts.json) return printJson(rows);
      for (const r of rows) {
        process.stdout.write(`${r.id}  ${r.channel}  ${r.createdAt}  via ${r.via}\n`);
        for (const b of r.batches) process.stdout.write(`  ${b.id}  ${b.state.padEnd(9)}  ${b.files} file(s), ${formatBytes(b.bytes)} encrypted\n`);
        if (Array.isArray(r.messages)) for (const m of r.messages) process.stdout.write(`  [${m.author} ${m.at}] ${m.text.replace(/\n/g, '\n    ')}\n`);
        else process.stdout.write(`  ${r.messages} message(s) (pass --identity to read them)\n`);
      }
    });

  withPull(intake.command('reply'))
    .description('reply to a source: encrypted to the source\'s codename key and to the channel\'s recipients')
    .requiredOption('-s, --submission <id>', 'the submission')
    .requiredOption('-m, --message <text>', 'the reply')
    .action(async (opts: PullOpts & { submission: string; message: string }) => {
      const pull = pullClient(opts);
      const sub = (await pull.submissions()).find((s) => s.id === opts.submission);
      if (!sub) throw invalid(`no submission ${opts.submission} on the intake`);
      await pull.reply(sub.id, await seal(opts.message, [sub.sourceRecipient, ...sub.recipients]));
      if (opts.json) printJson({ submission: sub.id, sent: true });
      else process.stdout.write(`reply sent to ${sub.id}\n`);
    });

  withPull(intake.command('import'))
    .description('pull sealed submissions, decrypt them into the vault, check them against their manifests, and ledger ciphertext deletions')
    .requiredOption('-i, --identity <file>', 'a passphrase-protected recipient identity (passphrase from the terminal or $CUSTODIA_IDENTITY_PASSPHRASE)')
    .option('-s, --submission <id>', 'only this submission (default: every submission with batches ready)')
    .option('-c, --case <name>', 'the vault case to ingest into', 'intake')
    .option('--operator <name>', 'who is importing (default: $CUSTODIA_OPERATOR or the OS user)')
    .option('--again', 'record a new acquisition for a batch already ingested (e.g. one left on the intake with problems)')
    .option('--no-progress', 'no progress bar on the terminal')
    .addHelpText(
      'after',
      `
Each batch becomes one acquisition of kind "intake-submission" named after its pseudonymous
submission and batch (never a person). Every item carries the source's own relative path and
timestamp from the encrypted manifest; the ciphertext is decrypted as it streams into the vault's
blob store, so no plaintext is written anywhere else. Every file is checked against the manifest
(size, SHA-256, zero padding): a mismatch is recorded as the item's problem ("manifest-mismatch"),
the bytes received are still preserved, and the batch is left on the intake (not marked imported)
so the ciphertext stays for examination. An interrupted import resumes when run again; a batch
already ingested is reported, and --again records it anew. Ciphertext deletions the intake
reports are then appended to the vault's ledger (as "custodia intake sync" does).

Exit codes: 0 all imported cleanly · 1 imported with problems (listed) · 2 usage · 3 could not run.`,
    )
    .action(async (opts: PullOpts & { identity: string; submission?: string; case: string; operator?: string; again?: boolean; progress?: boolean }) => {
      const pull = pullClient(opts);
      const identity = await unlock(opts.identity);
      const cfg = config();
      const actor = operator(cfg, opts.operator);
      const bar = new ProgressLine(process.stderr, opts.progress !== false && !opts.json);
      const all = await pull.submissions();
      const chosen = opts.submission ? all.filter((s) => s.id === opts.submission) : all;
      if (opts.submission && chosen.length === 0) throw invalid(`no submission ${opts.submission} on the intake`);
      const results: ImportResult[] = [];
      let deletions: DeletionSync | null = null;
      await withVault(async (vault) => {
        const progress: IngestProgress = {
          planned: (t) => bar.plan(t.files, t.bytes),
          fileStarted: (p) => bar.start(p),
          bytes: (n) => bar.addBytes(n),
          fileDone: () => bar.fileDone(),
        };
        for (const sub of chosen) {
          if (!sub.batches.some((b) => b.sealedAt && !b.importedAt && !b.purgedAt)) continue;
          const r = await importSubmission(sub, {
            pull,
            identities: [identity],
            ingest: vaultIngestBatch(vault, { caseName: opts.case, actor, again: opts.again === true, progress }),
          });
          results.push(r);
        }
        deletions = await ledgerIntakeDeletions(vault, await pull.events(), actor);
        if (deletions.recorded > 0) await vault.checkpoint();
      });
      bar.finish();
      if (opts.json) printJson(results);
      else {
        if (results.length === 0) process.stdout.write('nothing to import: no sealed batch is waiting\n');
        for (const r of results) {
          for (const b of r.batches) {
            const state = b.markedImported ? 'marked imported on the intake' : b.already ? 'ingested before; left on the intake (problems; --again records it anew)' : 'left on the intake (problems)';
            process.stdout.write(`${r.submissionId} ${b.batchId}: acquisition ${b.acquisitionId}, ${b.files} file(s), ${formatBytes(b.bytes)}; ${state}\n`);
          }
          for (const p of r.problems) process.stdout.write(`  PROBLEM ${p.batchId} ${p.path}: ${p.reason}\n`);
        }
        printDeletions(deletions);
      }
      process.exitCode = results.some((r) => r.problems.length > 0) ? EXIT.partial : EXIT.ok;
    });

  withPull(intake.command('sync'))
    .description('append to the vault\'s ledger the ciphertext deletions the intake reports (idempotent)')
    .option('--operator <name>', 'who is syncing (default: $CUSTODIA_OPERATOR or the OS user)')
    .action(async (opts: PullOpts & { operator?: string }) => {
      const pull = pullClient(opts);
      const actor = operator(config(), opts.operator);
      const events = await pull.events();
      const res = await withVault(async (vault) => {
        const r = await ledgerIntakeDeletions(vault, events, actor);
        if (r.recorded > 0) await vault.checkpoint();
        return r;
      });
      if (opts.json) printJson(res);
      else printDeletions(res);
      process.exitCode = res.unreadable.length > 0 ? EXIT.partial : EXIT.ok;
    });
}

function printDeletions(d: DeletionSync | null): void {
  if (!d) return;
  process.stdout.write(`ciphertext deletions on the intake: ${d.recorded} newly ledgered, ${d.known} already in the ledger\n`);
  for (const u of d.unreadable) process.stdout.write(`  PROBLEM intake event ${u.eventId}: ${u.reason}\n`);
}
