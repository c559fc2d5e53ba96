import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testConfig, tempDir, type DbKind } from '@custodia/store/testing';
import { makeCctvClip, type CctvClipSpec } from '@custodia/triage/testing';

export const CLI_BIN = fileURLToPath(new URL('../../../cli/bin/custodia.js', import.meta.url));
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCustodia(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Three short CCTV-like recordings from two cameras: two with a person walking through, one empty. */
export const FIXTURE_CLIPS: { name: string; spec: CctvClipSpec }[] = [
  { name: 'corridor/ch01_20240315142152.mp4', spec: { durationSec: 12, width: 640, height: 360, seed: 3, label: 'CAM 3  КАМЕРА 3', events: [{ startSec: 3, endSec: 8 }], clock: { startEpoch: 1710512512 } } },
  { name: 'corridor/ch01_20240315143010.mp4', spec: { durationSec: 10, width: 640, height: 360, seed: 4, label: 'CAM 3  КАМЕРА 3', events: [], clock: { startEpoch: 1710513010 } } },
  { name: 'yard/ch12_20240315151500.mp4', spec: { durationSec: 12, width: 640, height: 360, seed: 5, label: 'CAM 12', events: [{ startSec: 2, endSec: 7, pair: true }], clock: { startEpoch: 1710515700, position: 'top-right' } } },
];

export interface Instance {
  url: string;
  home: string;
  env: NodeJS.ProcessEnv;
  /** The one-time setup code `custodia serve` printed. */
  setupCode: string;
  /** Everything the server printed so far (for failure messages). */
  output: () => string;
  stop: () => Promise<void>;
}

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms: number, log: () => string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A fresh Custodia instance on the given database: recordings generated with ffmpeg, ingested into
 * `caseName` and processed (`custodia ingest --wait`), then `custodia serve` on a free port serving
 * the built web app.
 */
export async function startInstance(kind: DbKind, caseName: string): Promise<Instance> {
  // To debug the story against a server already running (with `caseName` ingested and no user yet).
  const external = process.env.CUSTODIA_E2E_URL;
  if (external) {
    const home = process.env.CUSTODIA_E2E_HOME ?? '';
    const setupCode = readFileSync(join(home, 'keys', 'setup-code'), 'utf8').trim();
    return { url: external, home, env: process.env, setupCode, output: () => '', stop: async () => undefined };
  }
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`the web app is not built (${WEB_DIST}): run npm run build -w packages/web`);
  const { config, cleanup } = await testConfig(kind);
  const env: NodeJS.ProcessEnv = { ...process.env, CUSTODIA_HOME: config.home, CUSTODIA_OPERATOR: 'intake-desk' };
  if (config.databaseUrl) env.DATABASE_URL = config.databaseUrl;
  else delete env.DATABASE_URL;
  const media = await tempDir('custodia-e2e-media-');
  let server: ChildProcess | null = null;
  const fail = async (e: unknown): Promise<never> => {
    server?.kill('SIGKILL');
    await media.remove();
    await cleanup();
    throw e;
  };
  try {
    for (const c of FIXTURE_CLIPS) {
      mkdirSync(dirname(join(media.path, c.name)), { recursive: true });
      await makeCctvClip(join(media.path, c.name), c.spec);
    }
    const init = await runCustodia(['init'], env);
    if (init.code !== 0) throw new Error(`custodia init failed: ${init.stderr}`);
    const ing = await runCustodia(['ingest', media.path, '--case', caseName, '--wait', '--json'], env);
    if (ing.code !== 0) throw new Error(`custodia ingest failed (${ing.code}): ${ing.stdout}\n${ing.stderr}`);
  } catch (e) {
    return fail(e);
  }
  const port = await freePort();
  let out = '';
  server = spawn(process.execPath, [CLI_BIN, 'serve', '--host', '127.0.0.1', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => server!.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await until(
      'custodia serve to answer',
      async () => {
        if (server!.exitCode !== null) throw new Error(`custodia serve exited (${server!.exitCode}):\n${out}`);
        try {
          const r = await fetch(`${url}/api/setup`);
          return r.ok ? true : undefined;
        } catch {
          return undefined;
        }
      },
      60_000,
      () => out,
    );
  } catch (e) {
    return fail(e);
  }
  const codeFile = join(config.home, 'keys', 'setup-code');
  const setupCode = await until(
    'the setup code on the console',
    () => out.match(/\b([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})\b/)?.[1] ?? (existsSync(codeFile) ? readFileSync(codeFile, 'utf8').trim() : undefined),
    10_000,
    () => out,
  );
  return {
    url,
    home: config.home,
    env,
    setupCode,
    output: () => out,
    stop: async () => {
      server!.kill('SIGTERM');
      const t = setTimeout(() => server!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
      await media.remove();
      await cleanup();
    },
  };
}
