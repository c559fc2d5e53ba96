import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ingest, type IngestResult } from '@custodia/core';
import { config, host, operator, printJson, VERSION, withVault } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { fsEvidenceReader } from '../evidence-reader.js';
import { attachPipeline, createWorker, releasePipeline } from '../pipeline-runtime.js';
import { formatBytes, ProgressLine } from '../progress.js';

interface IngestOptions {
  case: string;
  source?: string;
  note?: string;
  operator?: string;
  again?: boolean;
  json?: boolean;
  progress?: boolean;
  wait?: boolean;
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('preserve files, folders and zip archives in the vault: hashed, stored once, ledgered')
    .argument('<path...>', 'files or folders to ingest (zip archives are expanded; their members become items)')
    .requiredOption('-c, --case <name>', 'the case the material belongs to (created if new)')
    .option('-s, --source <label>', 'where the material came from, e.g. "USB stick handed over 2021-10-05"')
    .option('-n, --note <text>', 'a note kept with the acquisition')
    .option('--operator <name>', 'who is ingesting (default: $CUSTODIA_OPERATOR or the OS user)')
    .option('--again', 'record a new acquisition even if these paths were already ingested into the case')
    .option('--wait', 'then run the media pipeline (probe, salvage, proxy, thumbnails) in this process until it is done')
    .option('--json', 'print a machine-readable summary on stdout')
    .option('--no-progress', 'no progress bar on the terminal')
    .addHelpText(
      'after',
      `
Every file is read once: hashed with SHA-256 while it is copied into blobs/ab/cd/<sha256>,
fsynced, then recorded with its ledger entry in one transaction. Identical files are stored once,
with every path recorded. Unreadable, empty, truncated or changing files, symlink loops and bad
archive members are recorded with a precise reason, never skipped silently.

Interrupted (Ctrl-C, kill -9, power loss)? Run the same command again: it resumes the acquisition
without duplicating anything. At the end, a manifest of every path, size and SHA-256 is stored and
its hash ledgered, and the ledger's new head is signed.

Exit codes: 0 everything ingested cleanly · 1 done, but some items have problems (listed) ·
2 usage or configuration error · 3 could not run · 130 interrupted (resumable).`,
    )
    .action(async (paths: string[], opts: IngestOptions) => {
      const cfg = config();
      const abort = new AbortController();
      let interrupts = 0;
      const onSigint = () => {
        interrupts += 1;
        if (interrupts > 1) process.exit(EXIT.interrupted);
        process.stderr.write('\ncustodia: stopping after the current file (Ctrl-C again to stop at once; both are safe)…\n');
        abort.abort();
      };
      process.on('SIGINT', onSigint);
      const bar = new ProgressLine(process.stderr, opts.progress !== false && !opts.json);
      try {
        const result = await withVault(async (vault) => {
          const rt = await attachPipeline(vault);
          const r = await ingest(
            {
              caseName: opts.case,
              roots: paths.map((p) => resolve(p)),
              sourceLabel: opts.source ?? null,
              note: opts.note ?? null,
              operator: operator(cfg, opts.operator),
              host: host(),
              toolVersion: VERSION,
              again: opts.again === true,
              signal: abort.signal,
            },
            {
              repo: vault.repo,
              blobs: vault.blobs,
              reader: fsEvidenceReader,
              progress: {
                planned: (t) => bar.plan(t.files, t.bytes),
                fileStarted: (name) => bar.start(name),
                bytes: (n) => bar.addBytes(n),
                fileDone: () => bar.fileDone(),
              },
            },
          );
          let signed = await vault.checkpoint();
          let pipeline: PipelineSummary = { available: rt.tools !== null, note: rt.unavailable, stats: await rt.queue.stats(), failures: [] };
          if (opts.wait && rt.tools) {
            bar.finish();
            const worker = await createWorker(vault, rt);
            const ticker = startPipelineTicker(rt.queue, opts.progress !== false && !opts.json);
            try {
              await worker.runUntilIdle();
            } finally {
              ticker.stop();
              await releasePipeline();
            }
            signed = await vault.checkpoint();
            pipeline = { ...pipeline, stats: await rt.queue.stats(), failures: await rt.queue.failures(100) };
          }
          return { ...r, checkpoint: signed.checkpoint, anchors: signed.anchors, pipeline };
        });
        bar.finish();
        if (opts.json) printJson(jsonSummary(result));
        else printSummary(result);
        process.exitCode = result.problems.length > 0 || result.pipeline.failures.length > 0 ? EXIT.partial : EXIT.ok;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}

interface PipelineSummary {
  available: boolean;
  note: string | null;
  stats: { name: string; state: string; count: number }[];
  failures: { id: number; name: string; lastError: string | null }[];
}

type Done = IngestResult & {
  checkpoint: { id: number; treeSize: number };
  anchors: { url: string; ok: boolean; error?: string }[];
  pipeline: PipelineSummary;
};

/** Redraws "pipeline: done/total" on the terminal while the worker runs. */
export function startPipelineTicker(queue: { stats(): Promise<{ state: string; count: number }[]> }, enabled: boolean) {
  if (!enabled || !process.stderr.isTTY) return { stop() {} };
  const timer = setInterval(() => {
    void queue.stats().then((stats) => {
      const total = stats.reduce((s, x) => s + x.count, 0);
      const done = stats.filter((x) => ['done', 'skipped', 'failed'].includes(x.state)).reduce((s, x) => s + x.count, 0);
      const failed = stats.filter((x) => x.state === 'failed').reduce((s, x) => s + x.count, 0);
      process.stderr.write(`\rpipeline: ${done}/${total} jobs${failed ? `, ${failed} failed` : ''}   `);
    });
  }, 500);
  return {
    stop() {
      clearInterval(timer);
      process.stderr.write('\n');
    },
  };
}

function jsonSummary(r: Done) {
  return {
    acquisition: r.acquisition.id,
    status: r.acquisition.status,
    resumed: r.resumed,
    summary: r.summary,
    problems: r.problems,
    manifestSha256: r.manifestSha256,
    checkpoint: { id: r.checkpoint.id, treeSize: r.checkpoint.treeSize },
    timestamps: r.anchors,
    pipeline: r.pipeline,
  };
}

function printSummary(r: Done): void {
  const s = r.summary;
  const lines = [
    `Acquisition ${r.acquisition.id}${r.resumed ? ' (resumed)' : ''}: ${r.acquisition.status}`,
    `  items:      ${s.files} (${s.newBlobs} new blobs, ${s.duplicates} exact duplicates)`,
    `  preserved:  ${formatBytes(s.bytes)}`,
    `  manifest:   sha256 ${r.manifestSha256}`,
    `  checkpoint: ${r.checkpoint.id} (ledger size ${r.checkpoint.treeSize})`,
  ];
  for (const a of r.anchors) lines.push(`  timestamp:  ${a.url}: ${a.ok ? 'ok' : `FAILED (${a.error}); run "custodia ledger anchor" later`}`);
  const jobs = (state: string) => r.pipeline.stats.filter((x) => x.state === state).reduce((s, x) => s + x.count, 0);
  if (!r.pipeline.available) lines.push(`  media:      not processed: ${r.pipeline.note}`);
  else if (jobs('queued') + jobs('running') > 0) lines.push(`  media:      ${jobs('queued') + jobs('running')} job(s) queued: run "custodia worker --until-idle" (or ingest with --wait)`);
  else lines.push(`  media:      ${jobs('done')} step(s) done, ${jobs('skipped')} skipped, ${jobs('failed')} failed${jobs('failed') ? ' (see "custodia jobs")' : ''}`);
  if (r.problems.length > 0) {
    lines.push(`  problems:   ${r.problems.length}`);
    for (const p of r.problems) lines.push(`    ${p.status.padEnd(20)} ${p.path}: ${p.reason}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}
