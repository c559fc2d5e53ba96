import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ingest, invalid, notFound } from '@custodia/core';
import { locateMediaTools } from '@custodia/media';
import { STEPS } from '@custodia/pipeline';
import { caseReport, initVault, loadConfig, type Config } from '@custodia/store';
import { base32Decode, hotp, totpStep } from '@custodia/server';
import { host, operator, printJson, VERSION } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { fsEvidenceReader } from '../evidence-reader.js';
import { attachPipeline, createWorker, releasePipeline } from '../pipeline-runtime.js';
import { startPipelineTicker } from '../commands/ingest.command.js';
import { DEFAULT_WEB_DIST, serveWorkspace } from '../commands/serve.command.js';
import { writeDemoAccountability } from './demo-accountability.js';
import { documentDemoCase } from './demo-documentation.js';
import { DEMO_CAMERAS, makeDemoFootage } from './demo-footage.js';
import { checkDemoFolder, DEMO_MARK, writeDemoState, type DemoState } from './demo-instance.js';
import { createDemoCase, createDemoFacilities, createDemoUsers } from './demo-setup.js';
import { importAccountability } from './import-accountability.js';

export const DEMO_CASE = 'Demo — synthetic footage';
export const DEMO_ACCOUNTABILITY_CASE = 'Demo — accountability from two news reports';
/** Every step but face detection: the synthetic figures have no faces, and it is the slowest step. */
export const DEMO_STEPS = STEPS.filter((s) => s !== 'faces' && s !== 'probe');

interface DemoOptions {
  data: string;
  port: string;
  serve: boolean;
  json?: boolean;
  clips: string;
  code?: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('create a fresh demonstration instance (synthetic footage, processed and documented, demo accounts) and serve it')
    .option('--data <dir>', 'the demo instance\'s folder (must be new or empty, or an earlier demo)', './demo-data')
    .option('--port <n>', 'TCP port of the workspace', '8080')
    .option('--no-serve', 'build the demo, print the accounts and stop (serve it later with custodia serve)')
    .option('--clips <n>', 'how many synthetic clips to make (at least 3)', '12')
    .option('--code', 'print the demo administrator\'s current TOTP code for the demo in --data, and stop')
    .option('--json', 'print the result (URL, accounts) machine-readably')
    .addHelpText(
      'after',
      `
Everything in the demo is demonstration data. The footage is synthetic (ffmpeg test sources: a
corridor, walking figures, a ticking clock, a camera label), never real footage; it is ingested
and processed by the normal pipeline (every step but face detection, unless CUSTODIA_PIPELINE_STEPS
says otherwise). Facilities, annotations and incidents are made through the product's use cases
by the demo accounts; the accountability data of a real case comes from two news reports.

The demo always uses the embedded database in its own folder (DATABASE_URL is ignored). A folder
that is not empty and is not a demo is refused: it may hold a real instance. Running the demo
again on a finished demo folder serves it again with the same accounts. Passwords are generated on
every new demo and kept in <dir>/${DEMO_MARK} (readable by its owner only). The administrator must
sign in with a TOTP code, like every administrator: add the printed otpauth:// URL to an
authenticator app, or run "custodia demo --data <dir> --code".`,
    )
    .action(async (opts: DemoOptions) => {
      const clips = Number(opts.clips);
      const port = Number(opts.port);
      if (!Number.isInteger(clips) || clips < 3 || clips > 60) throw invalid('--clips takes a whole number from 3 to 60', { where: '--clips' });
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid('--port takes a port number (0–65535)', { where: '--port' });
      const env: NodeJS.ProcessEnv = { ...process.env, CUSTODIA_HOME: opts.data };
      delete env.DATABASE_URL;
      const cfg = loadConfig(env);
      cfg.pipelineSteps ??= [...DEMO_STEPS];

      if (opts.code) {
        const check = await checkDemoFolder(cfg.home);
        const admin = check.kind === 'ready' ? check.state.accounts.find((a) => a.totpSecret) : undefined;
        if (!admin?.totpSecret) throw notFound(`no finished demo in ${cfg.home}: run custodia demo --data ${opts.data} first`);
        const code = hotp(base32Decode(admin.totpSecret), totpStep(Date.now()));
        if (opts.json) printJson({ username: admin.username, code, validForSec: 30 - (Math.floor(Date.now() / 1000) % 30) });
        else process.stdout.write(`${code}  (${admin.username}; valid for ${30 - (Math.floor(Date.now() / 1000) % 30)} s)\n`);
        return;
      }

      const check = await checkDemoFolder(cfg.home);
      const say = (s: string) => {
        if (!opts.json) process.stderr.write(`demo: ${s}\n`);
      };
      let state: DemoState;
      let exit: number = EXIT.ok;
      if (check.kind === 'ready') {
        state = check.state;
        say(`a finished demo is already in ${cfg.home}: using it as it is (nothing new is made)`);
      } else {
        const built = await buildDemo(cfg, clips, say, !opts.json);
        state = built.state;
        exit = built.exit;
      }
      const reused = check.kind === 'ready';
      if (!opts.serve) {
        if (opts.json) printJson(resultJson(cfg, state, reused, null));
        else printResult(cfg, state, reused, null, opts.data);
        process.exitCode = exit;
        return;
      }
      await serveWorkspace(cfg, {
        port,
        host: '127.0.0.1',
        worker: true,
        web: DEFAULT_WEB_DIST,
        quiet: opts.json === true,
        onReady: (url) => {
          if (opts.json) printJson(resultJson(cfg, state, reused, url));
          else printResult(cfg, state, reused, url, opts.data);
        },
      });
      process.exitCode = exit;
    });
}

/** Makes the demo in a fresh folder: footage, accounts, cases, facilities, ingest and processing, documentation, accountability. */
async function buildDemo(cfg: Config, clipCount: number, say: (s: string) => void, showProgress: boolean): Promise<{ state: DemoState; exit: number }> {
  const tools = await locateMediaTools().catch((e: Error) => {
    throw invalid(`the demo makes and processes video with ffmpeg, which is not available: ${e.message}`);
  });
  const state: DemoState = {
    format: 'custodia-demo/1',
    state: 'building',
    createdAt: new Date().toISOString(),
    caseName: DEMO_CASE,
    accountabilityCaseName: DEMO_ACCOUNTABILITY_CASE,
    accounts: [],
    summary: {},
  };
  await writeDemoState(cfg.home, state);
  const actor = operator(cfg);
  const { vault } = await initVault(cfg, { actor });
  try {
    const footageDir = join(cfg.home, 'demo-footage');
    const t0 = Date.now();
    say(`making ${clipCount} synthetic CCTV clips in ${footageDir} (never real footage)…`);
    const clips = await makeDemoFootage(footageDir, clipCount, tools, (done, total, rel) => say(`  clip ${done}/${total}: ${rel}`));
    const footageSec = (Date.now() - t0) / 1000;

    const users = await createDemoUsers(vault, actor);
    state.accounts = [users.analyst.account, users.reviewer.account, users.admin.account];
    await createDemoCase(vault, users, DEMO_CASE);
    const facilities = await createDemoFacilities(vault, users.admin, DEMO_CAMERAS);

    say('ingesting the clips into the vault (hashed, stored once, ledgered)…');
    const rt = await attachPipeline(vault);
    const ing = await ingest(
      {
        caseName: DEMO_CASE,
        roots: [footageDir],
        sourceLabel: 'Demonstration: synthetic CCTV-style clips made by custodia demo (not real footage)',
        note: 'Demonstration data. Generated with ffmpeg test sources; no real person or place is shown.',
        operator: actor,
        host: host(),
        toolVersion: VERSION,
      },
      { repo: vault.repo, blobs: vault.blobs, reader: fsEvidenceReader },
    );
    const t1 = Date.now();
    say(`processing with the media pipeline (${(cfg.pipelineSteps ?? []).join(', ')}); this takes a few minutes on a small machine…`);
    const worker = await createWorker(vault, rt);
    const ticker = startPipelineTicker(rt.queue, showProgress);
    // Off a terminal (a log, a CI job), a progress line now and then instead of the redrawn one.
    const logLine = showProgress && !process.stderr.isTTY ? setInterval(() => void pipelineProgress(rt.queue).then((p) => say(`pipeline: ${p}`)), 20_000) : null;
    try {
      await worker.runUntilIdle();
    } finally {
      ticker.stop();
      if (logLine) clearInterval(logLine);
      await releasePipeline();
    }
    const processingSec = (Date.now() - t1) / 1000;
    const failures = await rt.queue.failures(50);
    if (failures.length) say(`${failures.length} pipeline job(s) failed: see "custodia jobs" with CUSTODIA_HOME=${cfg.home}`);

    say('annotating and opening incidents as the demo analyst; the reviewer verifies one…');
    const doc = await documentDemoCase(vault, users, DEMO_CASE, footageDir, clips, facilities);

    say('accountability data from two news reports…');
    await createDemoCase(vault, users, DEMO_ACCOUNTABILITY_CASE);
    const accFile = await writeDemoAccountability(join(cfg.home, 'demo-accountability'));
    const acc = await importAccountability(vault, { caseName: DEMO_ACCOUNTABILITY_CASE, file: accFile, actor, caller: users.admin.caller });
    if (acc.note) say(`accountability: ${acc.note}`);
    await vault.checkpoint();

    const report = await caseReport(vault, DEMO_CASE);
    const groups = new Set(report.items.map((it) => it.media?.duplicateGroup?.id).filter((x) => x !== undefined && x !== null));
    state.summary = {
      clips: clips.length,
      items: report.items.length,
      itemsWithActivity: report.items.filter((it) => (it.media?.activity?.segments.length ?? 0) > 0).length,
      duplicateGroups: groups.size,
      annotations: doc.annotations,
      incidents: doc.incidents,
      pipelineFailures: failures.length,
      acquisition: ing.acquisition.id,
      accountability: { status: acc.status, file: accFile, summary: acc.summary, note: acc.note },
      seconds: { footage: Math.round(footageSec), processing: Math.round(processingSec) },
    };
    state.state = 'ready';
    await writeDemoState(cfg.home, state);
    return { state, exit: failures.length ? EXIT.partial : EXIT.ok };
  } finally {
    await vault.close();
  }
}

function resultJson(cfg: Config, state: DemoState, reused: boolean, url: string | null) {
  return {
    demo: true,
    reused,
    home: cfg.home,
    url,
    case: state.caseName,
    accountabilityCase: state.accountabilityCaseName,
    accounts: state.accounts,
    summary: state.summary,
  };
}

function printResult(cfg: Config, state: DemoState, reused: boolean, url: string | null, dataFlag: string): void {
  const s = state.summary as {
    items?: number; itemsWithActivity?: number; duplicateGroups?: number; annotations?: number;
    incidents?: { status: string }[]; accountability?: { status: string; note: string | null }; seconds?: { footage: number; processing: number };
  };
  const verified = (s.incidents ?? []).filter((i) => i.status === 'verified').length;
  const lines = [
    '',
    `Custodia demo ${reused ? 'in' : 'ready in'} ${cfg.home}: DEMONSTRATION DATA (synthetic footage, never real)`,
    `  case "${state.caseName}": ${s.items} items, ${s.itemsWithActivity} with activity, ${s.duplicateGroups} near-duplicate group(s), ` +
      `${s.annotations} annotations, ${s.incidents?.length ?? 0} incidents (${verified} verified by a second person)`,
    `  case "${state.accountabilityCaseName}": ${s.accountability?.status === 'imported' ? 'officials and proceedings imported' : `not loaded yet: ${s.accountability?.note ?? ''}`}`,
  ];
  if (s.seconds && !reused) lines.push(`  made in ${s.seconds.footage} s (footage) + ${s.seconds.processing} s (processing)`);
  lines.push(url ? `  open ${url} and sign in as:` : `  serve it with: CUSTODIA_HOME=${cfg.home} custodia serve   (or custodia demo --data ${dataFlag}); then sign in as:`);
  for (const a of state.accounts) {
    lines.push(`    ${a.username.padEnd(14)} ${a.password}   ${a.role}${a.role === 'administrator' ? ' (needs a TOTP code)' : ''}`);
    if (a.otpauthUrl) {
      lines.push(`      TOTP secret ${a.totpSecret}: add ${a.otpauthUrl}`);
      lines.push(`      to an authenticator app, or get the current code with: custodia demo --data ${dataFlag} --code`);
    }
  }
  lines.push(`  (generated for this demo; kept in ${resolve(cfg.home, DEMO_MARK)}, readable by you only)`);
  if (url) lines.push('  Stop with Ctrl-C; run the same command again to serve this demo again.');
  process.stdout.write(lines.join('\n') + '\n');
}

/** "done/total jobs" of the pipeline's queue. */
async function pipelineProgress(queue: { stats(): Promise<{ state: string; count: number }[]> }): Promise<string> {
  const stats = await queue.stats();
  const total = stats.reduce((n, x) => n + x.count, 0);
  const done = stats.filter((x) => ['done', 'skipped', 'failed'].includes(x.state)).reduce((n, x) => n + x.count, 0);
  return `${done}/${total} jobs`;
}
