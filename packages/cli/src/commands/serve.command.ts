import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { invalid } from '@custodia/core';
import { openVault, type Config } from '@custodia/store';
import { composeServer, createApp, createLogger, listen, maintainBrowseIndex } from '@custodia/server';
import { config } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { attachPipeline, createWorker } from '../pipeline-runtime.js';

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the analysts\' workspace: the HTTP API, the web app and (unless --no-worker) the media pipeline')
    .option('--port <n>', 'TCP port', '8080')
    .option('--host <address>', 'address to listen on (127.0.0.1: this machine only)', '127.0.0.1')
    .option('--no-worker', 'do not run the pipeline worker in this process')
    .option('--web <dir>', 'the built web app to serve', DEFAULT_WEB_DIST)
    .addHelpText(
      'after',
      `
While no user exists, a one-time setup code is printed here: open the URL and use it to create
the first administrator (or run "custodia user add --admin <name>"). There is no default password.
Put a TLS reverse proxy in front to serve other machines, and set CUSTODIA_PUBLIC_URL to its
https:// origin (session cookies then become Secure). Stop with Ctrl-C: running jobs finish first.`,
    )
    .action(async (opts: { port: string; host: string; worker: boolean; web: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        process.stderr.write('custodia serve: --port takes a port number (0–65535)\n');
        process.exitCode = EXIT.usage;
        return;
      }
      const cfg = config();
      await serveWorkspace(cfg, { port, host: opts.host, worker: opts.worker, web: opts.web });
      process.exitCode = EXIT.ok;
    });
}

export interface ServeOptions {
  port: number;
  host: string;
  worker: boolean;
  web: string;
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
  const deps = await composeServer(vault, {
    log,
    settings: { secureCookies: cfg.secureCookies ?? false, origin: cfg.publicUrl ?? null },
  });
  const webDist = existsSync(opts.web) ? opts.web : null;
  const app = createApp(deps, { webDist });
  const server = await listen(app, { host: opts.host, port: opts.port }).catch(async (e: NodeJS.ErrnoException) => {
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
  await worker?.stop();
  await vault.checkpoint().catch(() => {});
  await vault.close();
}
