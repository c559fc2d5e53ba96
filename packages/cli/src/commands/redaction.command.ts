// `custodia redaction …`: the redaction studio's versions from the command line (ADR 0017, 0027):
// list and show them, print a version's recipe with its hashes, queue a render (and with --wait run
// it here), approve or reject as a named account under the same second-person rules as the studio.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { invalid, notFound, recipeSha256, requestRedactionRender, reviewRedaction, unavailable, REDACTION_RENDER_JOB, type Caller, type Redaction, type RedactionRecipe } from '@custodia/core';
import { canonicalJson } from '@custodia/ledger';
import { pgCaller, PgItemLookup, PgRedactionRepo, type Vault } from '@custodia/store';
import { printJson, withVault } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { attachPipeline, createWorker, releasePipeline } from '../pipeline-runtime.js';

/** The named, active account the command acts as: its own case roles apply, as in the workspace. */
async function accountCaller(vault: Vault, username: string): Promise<Caller> {
  const r = await vault.db.query<{ id: number; username: string; is_admin: boolean }>('SELECT id, username, is_admin FROM users WHERE username = $1 AND NOT disabled', [username]);
  const u = r.rows[0];
  if (!u) throw notFound(`no active account "${username}" (--as)`);
  return pgCaller(vault.db, { id: Number(u.id), username: u.username, isAdmin: u.is_admin });
}

const positiveId = (v: string, what: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw invalid(`${what} takes a positive whole number (got "${v}")`, { where: what });
  return n;
};

const short = (sha: string | null): string => (sha ? `${sha.slice(0, 12)}…` : '-');

function jobLine(r: Redaction): string {
  const j = r.renderJob;
  if (!j) return '-';
  const pct = j.progress !== null && r.status === 'rendering' ? ` ${Math.round(j.progress * 100)}%` : '';
  return `job ${j.jobId} ${j.state}${pct}, attempt ${j.attempts}/${j.maxAttempts}`;
}

function asJson(r: Redaction) {
  return {
    id: r.id, case: r.caseId, item: r.itemId, title: r.title, version: r.version, status: r.status, failure: r.failure,
    sourceSha256: r.sourceSha256, recipeSha256: r.recipeSha256, outputSha256: r.outputSha256, outputFacts: r.outputFacts,
    renderLedgerSeq: r.renderLedgerSeq, renderJob: r.renderJob, createdBy: r.createdByName, renderedBy: r.renderedByName,
    reviewedBy: r.reviewedByName, reviewNote: r.reviewNote, updatedAt: r.updatedAt,
  };
}

function describe(r: Redaction): string {
  return [
    `redaction ${r.id} "${r.title}" — item ${r.itemId}, case ${r.caseId}, version ${r.version}: ${r.status}`,
    `  source  ${r.sourceSha256}`,
    `  recipe  ${r.recipeSha256}  (${r.recipe.boxes.length} box(es), ${r.recipe.audio.mute.length} muted range(s)${r.recipe.clip ? `, clip ${r.recipe.clip.start}–${r.recipe.clip.end} s` : ''})`,
    `  output  ${r.outputSha256 ?? '-'}${r.outputFacts ? `  (${String(r.outputFacts.tool ?? '')}, ${String(r.outputFacts.size ?? '?')} bytes)` : ''}`,
    `  render  ${jobLine(r)}${r.renderedByName ? `, asked by ${r.renderedByName}` : ''}${r.renderLedgerSeq ? `, ledger #${r.renderLedgerSeq}` : ''}`,
    ...(r.renderJob?.lastError && r.status !== 'rendered' ? [`  last attempt: ${r.renderJob.lastError}`] : []),
    ...(r.failure ? [`  failure: ${r.failure}`] : []),
    `  made by ${r.createdByName}${r.reviewedByName ? `; ${r.status} by ${r.reviewedByName}${r.reviewNote ? ` ("${r.reviewNote}")` : ''}` : ''}`,
  ].join('\n');
}

export function registerRedaction(program: Command): void {
  const red = program
    .command('redaction')
    .description('redactions of evidence items: list, show, print a recipe, render, approve or reject (the redaction studio from the command line)');

  red
    .command('list')
    .description('the redactions (current versions) of a case or an item, with their state and hashes')
    .option('-c, --case <name>', 'the case')
    .option('--item <id>', 'the item')
    .option('--json', 'machine-readable output')
    .action(async (opts: { case?: string; item?: string; json?: boolean }) => {
      if (!opts.case === !opts.item) throw invalid('give either --case NAME or --item ID', { where: '--case' });
      await withVault(async (vault) => {
        const repo = new PgRedactionRepo(vault.db, vault.ledger);
        let list: Redaction[];
        if (opts.case) {
          const kase = await vault.repo.findCase(opts.case);
          if (!kase) throw notFound(`no case "${opts.case}"`);
          list = await repo.redactionsOfCase(kase.id);
        } else list = await repo.redactionsOfItem(positiveId(opts.item!, '--item'));
        if (opts.json) return printJson({ redactions: list.map(asJson) });
        const lines = [`${'id'.padStart(5)}  ${'item'.padStart(6)}  ${'ver'.padStart(3)}  ${'status'.padEnd(9)}  ${'recipe'.padEnd(13)}  ${'output'.padEnd(13)}  render / title`];
        for (const r of list) {
          lines.push(`${String(r.id).padStart(5)}  ${String(r.itemId).padStart(6)}  ${String(r.version).padStart(3)}  ${r.status.padEnd(9)}  ${short(r.recipeSha256).padEnd(13)}  ${short(r.outputSha256).padEnd(13)}  ${jobLine(r)}${r.title ? ` — ${r.title}` : ''}`);
        }
        if (list.length === 0) lines.push('(no redactions)');
        process.stdout.write(lines.join('\n') + '\n');
      });
      process.exitCode = EXIT.ok;
    });

  red
    .command('show')
    .description('one redaction: its state, hashes, render job and review')
    .argument('<id>', 'the redaction')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withVault(async (vault) => {
        const r = await new PgRedactionRepo(vault.db, vault.ledger).redaction(positiveId(id, '<id>'));
        if (!r) throw notFound(`no redaction ${id}`);
        if (opts.json) printJson(asJson(r));
        else process.stdout.write(describe(r) + '\n');
      });
      process.exitCode = EXIT.ok;
    });

  red
    .command('export-recipe')
    .description('print a version\'s recipe (custodia-redaction/1) with the source and recipe hashes, checked')
    .argument('<id>', 'the redaction')
    .option('--recipe-version <n>', 'this version of the recipe (default: the current one)')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      `
Prints {redaction, item, version, sourceSha256, recipeSha256, outputSha256, recipe}: the recipe as
stored, and its hash recomputed over its canonical JSON (it must equal the recorded recipeSha256,
or the command fails). outputSha256 is the rendered output of that version if it is the current,
rendered one, else null. Anyone holding the source can render the recipe again and compare.`,
    )
    .action(async (id: string, opts: { recipeVersion?: string; out?: string }) => {
      await withVault(async (vault) => {
        const rid = positiveId(id, '<id>');
        const r = await new PgRedactionRepo(vault.db, vault.ledger).redaction(rid);
        if (!r) throw notFound(`no redaction ${id}`);
        const version = opts.recipeVersion === undefined ? r.version : positiveId(opts.recipeVersion, '--recipe-version');
        const v = await vault.db.query<{ recipe: RedactionRecipe; recipe_sha256: string }>('SELECT recipe, recipe_sha256 FROM redaction_versions WHERE redaction_id = $1 AND version = $2', [rid, version]);
        const row = v.rows[0];
        if (!row) throw notFound(`redaction ${rid} has no version ${version} (versions 1–${r.version})`, { where: '--recipe-version' });
        const computed = recipeSha256(row.recipe);
        if (computed !== row.recipe_sha256) throw invalid(`redaction ${rid} version ${version}: the stored recipe hashes to ${computed}, not the recorded ${row.recipe_sha256}`);
        const doc = {
          redaction: rid, item: r.itemId, version, sourceSha256: r.sourceSha256, recipeSha256: computed,
          outputSha256: version === r.version ? r.outputSha256 : null, recipe: JSON.parse(canonicalJson(row.recipe)) as unknown,
        };
        const text = JSON.stringify(doc, null, 2) + '\n';
        if (opts.out) await writeFile(opts.out, text, { mode: 0o600 });
        else process.stdout.write(text);
      });
      process.exitCode = EXIT.ok;
    });

  red
    .command('render')
    .description('queue the render of the current version; with --wait, run it in this process and wait for the result')
    .argument('<id>', 'the redaction')
    .requiredOption('--as <username>', 'the workspace account asking for the render (analyst or above in the case)')
    .option('--recipe-version <n>', 'refuse unless this is the current version')
    .option('--wait', 'render here (and any other queued redaction render) until this one is rendered or failed')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `
Without --wait the version is queued and a running "custodia worker" or "custodia serve" renders it
(see "custodia redaction show ID"). The render job is keyed by source, recipe hash and ffmpeg
version: asking again while it is queued changes nothing, and a recipe already rendered from the
same source reuses that output at once. A worker that dies mid-render loses its lease and the
next worker renders the job again.

Exit codes: 0 queued (or, with --wait, rendered) · 1 --wait: the render failed (the reason is
printed) · 2 refused (unknown redaction or account, approved version, stale --recipe-version) · 3 the
account's role is too weak, or could not run (no ffmpeg).`,
    )
    .action(async (id: string, opts: { as: string; recipeVersion?: string; wait?: boolean; json?: boolean }) => {
      await withVault(async (vault) => {
        const rid = positiveId(id, '<id>');
        const caller = await accountCaller(vault, opts.as);
        const rt = await attachPipeline(vault);
        const repo = new PgRedactionRepo(vault.db, vault.ledger);
        const tool = async () => {
          if (!rt.tools) throw unavailable(`cannot render: ${rt.unavailable ?? 'ffmpeg is missing'}`);
          return rt.tools.version;
        };
        let r = await requestRedactionRender({ redactions: repo, tool, items: new PgItemLookup(vault.db) }, caller, rid, opts.recipeVersion === undefined ? {} : { version: positiveId(opts.recipeVersion, '--recipe-version') });
        if (opts.wait && (r.status === 'queued' || r.status === 'rendering')) {
          const worker = await createWorker(vault, rt, { concurrency: 1, names: [REDACTION_RENDER_JOB] });
          worker.start();
          let shown = '';
          try {
            while (r.status === 'queued' || r.status === 'rendering') {
              await sleep(300);
              r = (await repo.redaction(rid))!;
              const line = `${r.status} (${jobLine(r)})`;
              if (line !== shown && !opts.json) process.stderr.write(`  ${line}\n`);
              shown = line;
            }
          } finally {
            await worker.stop();
            await releasePipeline();
          }
        }
        await vault.checkpoint();
        if (opts.json) printJson(asJson(r));
        else process.stdout.write(describe(r) + '\n');
        process.exitCode = r.status === 'failed' ? EXIT.partial : EXIT.ok;
      });
    });

  for (const decision of ['approve', 'reject'] as const) {
    red
      .command(decision)
      .description(`${decision} the rendered output of the current version, as a second person`)
      .argument('<id>', 'the redaction')
      .requiredOption('--as <username>', 'the reviewing account: reviewer or above in the case, who neither wrote a version of the recipe nor asked for its render')
      .option('--note <text>', 'the review note (kept and ledgered)')
      .option('--recipe-version <n>', 'refuse unless this is the current version (the one you looked at)')
      .option('--json', 'machine-readable output')
      .addHelpText(
        'after',
        `
The rules are the workspace's: an observer or analyst, anyone who wrote a version of the recipe
and whoever asked for its render are refused (exit 3, the message says which rule); a version that
is not rendered, or a stale --recipe-version, is refused with exit 2. Ledgered with the output hash.`,
      )
      .action(async (id: string, opts: { as: string; note?: string; recipeVersion?: string; json?: boolean }) => {
        await withVault(async (vault) => {
          const caller = await accountCaller(vault, opts.as);
          const repo = new PgRedactionRepo(vault.db, vault.ledger);
          const input = { ...(opts.note !== undefined ? { note: opts.note } : {}), ...(opts.recipeVersion !== undefined ? { version: positiveId(opts.recipeVersion, '--recipe-version') } : {}) };
          const r = await reviewRedaction({ redactions: repo, items: new PgItemLookup(vault.db) }, caller, positiveId(id, '<id>'), decision, input);
          await vault.checkpoint();
          if (opts.json) printJson(asJson(r));
          else process.stdout.write(describe(r) + '\n');
        });
        process.exitCode = EXIT.ok;
      });
  }
}
