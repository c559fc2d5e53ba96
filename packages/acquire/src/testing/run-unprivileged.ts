// Permission errors cannot be produced for root, which is how CI containers and NGO field laptops
// often run. These helpers run a snippet as an unprivileged user instead, so permission tests stay
// real tests rather than being skipped.
import { spawnSync } from 'node:child_process';

const NOBODY = 65534;

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Runs an ES module snippet in a fresh node process (as uid/gid 65534 when we are root) and
 * returns its stdout. The snippet may use top-level await.
 */
export function runModuleSnippet(source: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', source], {
    encoding: 'utf8',
    ...(isRoot() ? { uid: NOBODY, gid: NOBODY } : {}),
    cwd: '/',
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
