import type { Command } from 'commander';
import { caseReport, type CaseReport } from '@custodia/store';
import { printJson, withVault } from '../context.js';
import { formatBytes } from '../progress.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description("what the vault holds for a case: every item's original path, SHA-256, size, kind, status and parent archive")
    .requiredOption('-c, --case <name>', 'the case')
    .option('--json', 'the full report as JSON (every item)')
    .action(async (opts: { case: string; json?: boolean }) => {
      const report = await withVault((vault) => caseReport(vault, opts.case));
      if (opts.json) printJson(report);
      else printHuman(report);
    });
}

function printHuman(r: CaseReport): void {
  const s = r.summary;
  const out = [
    `Case "${r.case.name}": ${s.items} items, ${s.uniqueBlobs} distinct files, ${formatBytes(s.preservedBytes)} preserved`,
    `  by kind:   ${Object.entries(s.byKind).map(([k, n]) => `${k} ${n}`).join(', ') || '-'}`,
    `  by status: ${Object.entries(s.byStatus).map(([k, n]) => `${k} ${n}`).join(', ') || '-'}`,
    '',
    'Acquisitions:',
    ...r.acquisitions.map(
      (a) => `  ${a.id}  ${a.startedAt}  ${a.status.padEnd(22)} by ${a.operator}@${a.host}${a.sourceLabel ? `  source: ${a.sourceLabel}` : ''}`,
    ),
  ];
  const problems = r.items.filter((it) => it.status !== 'ok');
  if (problems.length) {
    out.push('', `Items with problems (${problems.length}):`);
    for (const it of problems) out.push(`  ${String(it.id).padStart(6)}  ${it.status.padEnd(20)} ${it.path}: ${it.reason ?? ''}`);
  }
  const dupGroups = new Map<string, string[]>();
  for (const it of r.items) if (it.sha256 && it.sameContentAs.length) dupGroups.set(it.sha256, [...(dupGroups.get(it.sha256) ?? []), it.path]);
  if (dupGroups.size) {
    out.push('', `Exact duplicates (${dupGroups.size} groups):`);
    for (const [sha, paths] of dupGroups) out.push(`  ${sha.slice(0, 16)}…  ${paths.join('  =  ')}`);
  }
  out.push('', 'Use --json for every item with its hash, size, kind and parent archive.');
  process.stdout.write(out.join('\n') + '\n');
}
