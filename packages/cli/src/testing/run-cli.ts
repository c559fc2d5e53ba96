import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '@custodia/store';

export const CLI = fileURLToPath(new URL('../main.js', import.meta.url));

export function cliEnv(cfg: Config, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CUSTODIA_HOME: cfg.home, CUSTODIA_OPERATOR: 'cli-test', ...extra };
  if (cfg.databaseUrl) env.DATABASE_URL = cfg.databaseUrl;
  else delete env.DATABASE_URL;
  return env;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `custodia` command and collects its output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> & { child: ChildProcess } {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  }) as Promise<CliResult> & { child: ChildProcess };
  done.child = child;
  return done;
}
