// A redaction render worker over a test server's vault: what `custodia serve` (or `custodia worker`)
// runs beside the API, for tests that ask for renders and wait for them.
import { locateMediaTools } from '@custodia/media';
import { createRedactionJobs } from '@custodia/pipeline';
import { PgJobQueue, Worker, type Vault } from '@custodia/store';

export async function redactionWorker(vault: Vault, opts: { pollMs?: number; leaseMs?: number } = {}): Promise<Worker> {
  const tools = await locateMediaTools();
  return new Worker({
    queue: new PgJobQueue(vault.db),
    handlers: createRedactionJobs({ vault, tools, actor: 'worker test/1' }),
    workerId: `test/${process.pid}`,
    pollMs: opts.pollMs ?? 100,
    ...(opts.leaseMs ? { leaseMs: opts.leaseMs } : {}),
  });
}
