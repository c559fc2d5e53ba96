import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./serve-intake.process.js', import.meta.url));

export interface IntakeProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
}

/**
 * The intake server as a separate process (`serve-intake.process.js`), for tests that kill it:
 * resolves once it listens. `port` 0 picks a free one; restart on the same port to resume.
 */
export function startIntakeProcess(home: string, port: number, databaseUrl?: string): Promise<IntakeProcess> {
  const env = { ...process.env };
  if (databaseUrl) env.CUSTODIA_INTAKE_DATABASE_URL = databaseUrl;
  else delete env.CUSTODIA_INTAKE_DATABASE_URL;
  const child = spawn(process.execPath, [SERVER, home, String(port)], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) {
        const p = Number(m[1]);
        resolve({
          child,
          port: p,
          url: `http://127.0.0.1:${p}`,
          kill: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`intake server exited (${code}) before listening`)));
  });
}
