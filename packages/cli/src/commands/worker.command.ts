import type { Command } from 'commander';
import { printJson, withVault } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { attachPipeline, createWorker, releasePipeline, workerId } from '../pipeline-runtime.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run the media pipeline (probe, salvage, proxy, thumbnails, activity, fingerprint, duplicates, overlay, faces), redaction renders and public site builds on queued jobs')
    .option('--concurrency <n>', 'jobs at once in this process', '2')
    .option('--lease-seconds <n>', 'how long a claimed job stays ours without a heartbeat; a dead worker\'s job is taken over after it', '60')
    .option('--until-idle', 'stop when no job is left to run (default: run until Ctrl-C / SIGTERM)')
    .option('--json', 'machine-readable summary at the end')
    .addHelpText(
      'after',
      `
Several workers, on several machines, can share one PostgreSQL server (DATABASE_URL): a job is
claimed by one worker at a time (FOR UPDATE SKIP LOCKED) under a lease; a worker that dies leaves
its job to be picked up again when the lease runs out. With the embedded database only one process
can open the vault: use "custodia ingest --wait" or "custodia worker --until-idle" there.`,
    )
    .action(async (opts: { concurrency: string; leaseSeconds: string; untilIdle?: boolean; json?: boolean }) => {
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(Number(opts.leaseSeconds)) || Number(opts.leaseSeconds) < 1) {
        process.stderr.write('custodia worker: --lease-seconds takes a whole number of seconds ≥ 1\n');
        process.exitCode = EXIT.usage;
        return;
      }
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
        process.stderr.write('custodia worker: --concurrency takes a whole number from 1 to 64\n');
        process.exitCode = EXIT.usage;
        return;
      }
      await withVault(async (vault) => {
        const rt = await attachPipeline(vault);
        if (!rt.tools) {
          process.stderr.write(`custodia: ${rt.unavailable}\n`);
          process.exitCode = EXIT.failure;
          return;
        }
        const worker = await createWorker(vault, rt, { concurrency, leaseMs: Number(opts.leaseSeconds) * 1000 });
        const version = rt.tools.version;
        try {
          if (opts.untilIdle) {
            await worker.runUntilIdle();
          } else {
            process.stderr.write(`custodia worker ${workerId()} running (${version}); Ctrl-C to stop\n`);
            await new Promise<void>((resolve) => {
              const stop = () => {
                process.stderr.write('custodia worker: finishing running jobs…\n');
                void worker.stop().then(() => resolve());
              };
              process.once('SIGINT', stop);
              process.once('SIGTERM', stop);
              worker.start();
            });
          }
        } finally {
          await releasePipeline();
        }
        await vault.checkpoint();
        const stats = await rt.queue.stats();
        const failures = await rt.queue.failures(50);
        if (opts.json) printJson({ stats, failures });
        else if (failures.length) process.stdout.write(`${failures.length} failed job(s): see "custodia jobs"\n`);
        if (failures.length) process.exitCode = EXIT.partial;
      });
    });
}
