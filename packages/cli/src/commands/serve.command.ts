import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { invalid } from '@custodia/core';
import { openVault, type Config } from '@custodia/store';
import { composeServer, createApp, createLogger, listen, maintainBrowseIndex } from '@custodia/server';
import { config } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { startIntakeLink } from '../intake-link.js';
import { attachPipeline, createWorker } from '../pipeline-runtime.js';

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the analysts\' workspace: the HTTP API, the web app, (unless --no-worker) the media pipeline, redaction renders and public site builds, and (unless --no-intake) the source intake')
    .option('--port <n>', 'TCP port', '8080')
    .option('--host <address>', 'address to listen on (127.0.0.1: this machine only)', '127.0.0.1')
    .option('--no-worker', 'do not run the pipeline worker (media steps, redaction renders, site builds) in this process')
    .option('--web <dir>', 'the built web app to serve', DEFAULT_WEB_DIST)
    .option('--intake-port <n>', 'the embedded source intake\'s port on 127.0.0.1 (default $CUSTODIA_INTAKE_PORT or 8470)')
    .option('--no-intake', 'do not run or connect to a source intake')
    .addHelpText(
      'after',
      `
While no user exists, a one-time setup code is printed here: open the URL and use it to create
the first administrator (or run "custodia user add --admin <name>"). There is no default password.
The source intake runs in this process too (its portal and pull API on 127.0.0.1:8470, its own
data folder $CUSTODIA_INTAKE_HOME, default $CUSTODIA_HOME/intake, and its own database); the web
app's Intake section reaches it over the pull API. Put the Tor onion service in front of that port.
With CUSTODIA_INTAKE_URL and CUSTODIA_INTAKE_TOKEN the workspace uses a remote intake instead
("custodia intake serve" on the internet-facing machine); --no-intake or CUSTODIA_INTAKE=off: none.
Put a TLS reverse proxy in front to serve other machines, and set CUSTODIA_PUBLIC_URL to its
https:// origin (session cookies then become Secure). Stop with Ctrl-C: running jobs finish first.`,
    )
    .action(async (opts: { port: string; host: string; worker: boolean; web: string; intake: boolean; intakePort?: string }) => {
      const port = Number(opts.port);
      const intakePort = opts.intakePort === undefined ? undefined : Number(opts.intakePort);
      for (const [flag, p] of [['--port', port], ['--intake-port', intakePort]] as const) {
        if (p !== undefined && (!Number.isInteger(p) || p < 0 || p > 65535)) {
          process.stderr.write(`custodia serve: ${flag} takes a port number (0–65535)\n`);
          process.exitCode = EXIT.usage;
          return;
        }
      }
      const cfg = config();
      await serveWorkspace(cfg, { port, host: opts.host, worker: opts.worker, web: opts.web, intake: opts.intake, ...(intakePort === undefined ? {} : { intakePort }) });
      process.exitCode = EXIT.ok;
    });
}

export interface ServeOptions {
  port: number;
  host: string;
  worker: boolean;
  web: string;
  /** Run (or connect to) the source intake as configured (CUSTODIA_INTAKE…); default no intake. */
  intake?: boolean;
  /** The embedded intake's port, instead of CUSTODIA_INTAKE_PORT. */
  intakePort?: number;
  /** Called once the workspace answers (the demo prints its credentials then). */
  onReady?: (url: string) => void;
  /** Print nothing on stdout (the caller prints, e.g. machine-readable output). */
  quiet?: boolean;
}

/** Runs the workspace on `cfg` until SIGINT/SIGTERM; running jobs finish first. */
export async function serveWorkspace(cfg: Config, opts: ServeOptions): Promise<void> {
  const log = createLogger(cfg.logLevel ?? 'info');
  const vault = await openVault(cfg);
  const rt = await attachPipeline(vault);
  const worker = opts.worker && rt.tools ? await createWorker(vault, rt) : null;
  const intake = opts.intake ? await startIntakeLink(cfg.intake!, vault, opts.intakePort === undefined ? {} : { port: opts.intakePort }) : null;
  const deps = await composeServer(vault, {
    log,
    intake: intake?.link ?? null,
    settings: { secureCookies: cfg.secureCookies ?? false, origin: cfg.publicUrl ?? null },
  });
  const webDist = existsSync(opts.web) ? opts.web : null;
  const app = createApp(deps, { webDist });
  const server = await listen(app, { host: opts.host, port: opts.port }).catch(async (e: NodeJS.ErrnoException) => {
    await intake?.stop();
    await vault.close();
    if (e.code === 'EADDRINUSE') throw invalid(`port ${opts.port} on ${opts.host} is in use: choose another with --port`, { where: '--port' });
    throw e;
  });
  worker?.start();
  // Views and sign-ins append to the ledger all day: sign the head now and then, so each entry
  // soon has a checkpoint to prove its inclusion against (a no-op when nothing was appended).
  let ticks = 0;
  const signer = setInterval(() => {
    void vault.checkpoint().catch((e: Error) => log.error({ err: e }, 'checkpoint failed'));
    // Every half hour, what autovacuum would do for the embedded database's browse index.
    if (++ticks % 30 === 0) void maintainBrowseIndex(vault.db).catch((e: Error) => log.error({ err: e }, 'index maintenance failed'));
  }, 60_000);
  signer.unref();

  const out = (s: string) => {
    if (!opts.quiet) process.stdout.write(s + '\n');
  };
  out(`Custodia workspace: ${server.url}${cfg.publicUrl ? ` (public: ${cfg.publicUrl})` : ''}`);
  if (!webDist) out(`  (the web app is not built: run "npm run build -w packages/web"; the API is up)`);
  out(`  ${intake ? intake.note : 'source intake: none'}`);
  if (!rt.tools) out(`  media pipeline off: ${rt.unavailable}`);
  else out(worker ? `  media pipeline: running in this process (${rt.tools.version})` : '  media pipeline: not in this process (--no-worker)');
  if ((await deps.accounts.countUsers()) === 0) {
    const code = await deps.setup.ensure();
    out(`  first run: no user yet. Open ${server.url}/setup and enter the setup code  ${code}`);
    out('  (or run: custodia user add --admin <username>)');
  }
  opts.onReady?.(server.url);

  await new Promise<void>((resolve) => {
    const stop = () => {
      out('custodia serve: stopping…');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(signer);
  await server.close();
  await intake?.stop();
  await worker?.stop();
  await vault.checkpoint().catch(() => {});
  await vault.close();
}
