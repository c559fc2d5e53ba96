import type { Command } from 'commander';
import { caseReport, triageSummary, type CaseReport, type TriageSummary } from '@custodia/store';
import { printJson, withVault } from '../context.js';
import { formatBytes } from '../progress.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description("what the vault holds for a case: every item's original path, SHA-256, size, kind, status and parent archive")
    .requiredOption('-c, --case <name>', 'the case')
    .option('--json', 'the full report as JSON (every item)')
    .action(async (opts: { case: string; json?: boolean }) => {
      const { report, triage } = await withVault(async (vault) => {
        const report = await caseReport(vault, opts.case);
        return { report, triage: opts.json ? null : await triageSummary(vault, report) };
      });
      if (opts.json) printJson(report);
      else printHuman(report, triage!);
    });
}

function printHuman(r: CaseReport, t: TriageSummary): void {
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
  out.push(...formatTriage(t));
  out.push('', 'Use --json for every item with its hash, size, kind and parent archive.');
  process.stdout.write(out.join('\n') + '\n');
}

const sec = (x: number): string => {
  const s = Math.max(0, Math.round(x));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** Busiest cameras and their strongest time ranges first, then duplicate groups, then videos with no result. */
export function formatTriage(t: TriageSummary): string[] {
  const out: string[] = [];
  if (t.cameras.length) {
    out.push('', 'Triage: activity by camera, busiest first:');
    for (const c of t.cameras) {
      out.push(`  ${c.camera}${c.source === 'folder' ? ' (folder)' : ''}: ${sec(c.activeSec)} active in ${c.segments} segment(s), ${c.videos} video(s)`);
      for (const r of c.top) out.push(`      ${sec(r.startSec)}–${sec(r.endSec)}  score ${r.score.toFixed(2)}  ${r.path}`);
    }
  }
  if (t.groups.length) {
    out.push('', `Near-duplicate groups (${t.groups.length}):`);
    for (const g of t.groups) {
      out.push(`  group ${g.id}:`);
      for (const m of g.members) {
        const at = m.offsetSec >= 0 ? `+${m.offsetSec.toFixed(2)}` : m.offsetSec.toFixed(2);
        out.push(`      ${m.reference ? 'reference ' : ''}${m.kind.padEnd(10)} ${at.padStart(8)} s  ${m.path}${m.evidence === 'clock' ? '  (by the burned-in clock)' : ''}`);
      }
    }
  }
  if (t.ended.length) {
    out.push('', `Videos with no usable result (${t.ended.length}):`);
    for (const e of t.ended) out.push(`  ${String(e.itemId).padStart(6)}  ${e.path}: ${e.reason.slice(0, 300)}`);
  }
  return out;
}
