import type { Command } from 'commander';
import { enqueueItemPipeline } from '@custodia/pipeline';
import { printJson, withVault } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { attachPipeline } from '../pipeline-runtime.js';

export function registerJobs(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('the media pipeline: state of every step, failures with their reasons, retry')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      await withVault(async (vault) => {
        const rt = await attachPipeline(vault);
        const stats = await rt.queue.stats();
        const failures = await rt.queue.failures(200);
        if (opts.json) {
          printJson({ stats, failures, mediaTools: rt.tools?.version ?? null, unavailable: rt.unavailable });
          return;
        }
        const byStep = new Map<string, Record<string, number>>();
        for (const s of stats) byStep.set(s.name, { ...(byStep.get(s.name) ?? {}), [s.state]: s.count });
        const states = ['queued', 'running', 'done', 'skipped', 'failed'];
        // The first column as wide as the longest step name (redaction-render is 16), at least 12.
        const w = Math.max(12, ...[...byStep.keys()].map((n) => n.length + 1));
        const out = [`${'step'.padEnd(w)}${states.map((s) => s.padStart(9)).join('')}`];
        for (const [name, counts] of byStep) out.push(`${name.padEnd(w)}${states.map((s) => String(counts[s] ?? 0).padStart(9)).join('')}`);
        if (byStep.size === 0) out.push('(no jobs)');
        if (failures.length) {
          out.push('', 'Failed:');
          for (const f of failures) out.push(`  job ${f.id} ${f.name} ${f.key.split(':')[1]?.slice(0, 16) ?? ''}… after ${f.attempts} attempt(s): ${f.lastError ?? ''}`);
          out.push('', 'Retry with "custodia jobs retry [--step NAME] [--id N]".');
        }
        if (rt.unavailable) out.push('', `Media processing unavailable: ${rt.unavailable}`);
        process.stdout.write(out.join('\n') + '\n');
        if (failures.length) process.exitCode = EXIT.partial;
      });
    });

  jobs
    .command('retry')
    .description('queue failed jobs again')
    .option('--step <name>', 'only this step')
    .option('--id <n>', 'only this job')
    .action(async (opts: { step?: string; id?: string }) => {
      const n = await withVault(async (vault) => {
        const rt = await attachPipeline(vault);
        return rt.queue.retry({ ...(opts.step ? { name: opts.step } : {}), ...(opts.id ? { id: Number(opts.id) } : {}) });
      });
      process.stdout.write(`${n} job(s) queued again\n`);
    });

  jobs
    .command('enqueue')
    .description("queue the pipeline for every item of a case (after installing ffmpeg, or upgrading it); idempotent")
    .requiredOption('-c, --case <name>', 'the case')
    .action(async (opts: { case: string }) => {
      const n = await withVault(async (vault) => {
        const rt = await attachPipeline(vault);
        if (!rt.tools) throw new Error(rt.unavailable ?? 'ffmpeg missing');
        const kase = await vault.repo.findCase(opts.case);
        if (!kase) throw new Error(`no case named "${opts.case}"`);
        let created = 0;
        for (const it of await vault.repo.itemsOfCase(kase.id)) {
          if (await vault.db.transaction((tx) => enqueueItemPipeline(rt.queue, tx, it, rt.tools!.version))) created += 1;
        }
        return created;
      });
      process.stdout.write(`${n} new job(s) queued\n`);
    });
}
