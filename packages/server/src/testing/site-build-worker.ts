// A site build worker over a test server's vault: what `custodia serve` (or `custodia worker`) runs
// beside the API, for tests that ask for public site builds and wait for them.
import { fileURLToPath } from 'node:url';
import { posterFrame, type MediaTools } from '@custodia/media';
import { createSiteBuildJobs, PgJobQueue, Worker, type JobHandler, type Vault } from '@custodia/store';

/** The offline verifier bundle (scripts/build-verifier.mjs, part of `npm run build`). */
export function verifierBundle(): string {
  try {
    return fileURLToPath(import.meta.resolve('@custodia/verify/bundle'));
  } catch {
    return fileURLToPath(new URL('../../../verify/dist/verify.js', import.meta.url));
  }
}

export function siteBuildHandlers(vault: Vault, tools: MediaTools, actor: string, poster?: (video: string, out: string) => Promise<void>): Record<string, JobHandler> {
  return createSiteBuildJobs(vault, { poster: poster ?? ((video, out) => posterFrame(tools, video, out)), verifierBundle: verifierBundle(), toolVersion: '0.0.0-test', actor });
}

export function siteBuildWorker(vault: Vault, tools: MediaTools, opts: { pollMs?: number; leaseMs?: number; workerId?: string } = {}): Worker {
  const workerId = opts.workerId ?? 'test/1';
  return new Worker({
    queue: new PgJobQueue(vault.db),
    handlers: siteBuildHandlers(vault, tools, `worker ${workerId}`),
    workerId,
    pollMs: opts.pollMs ?? 20,
    ...(opts.leaseMs ? { leaseMs: opts.leaseMs } : {}),
  });
}
