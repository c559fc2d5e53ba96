// Per-test scratch directories under the OS temp dir, removed afterwards even when a test fails.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `custodia-acquire-${prefix}-`));
  // Readable by others so permission tests can run a child process as an unprivileged user.
  chmodSync(dir, 0o755);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
