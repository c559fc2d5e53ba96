import { readFileSync } from 'node:fs';
import { invalid } from '@custodia/core';
import type { PackageManifest } from '@custodia/verify';
import type { PackageLedger } from './export-ledger.js';
import { PdfDocument } from './pdf/pdf-document.js';
import { TrueTypeFont } from './pdf/truetype-font.js';

/** DejaVu Sans (Debian fonts-dejavu-core, installed by scripts/setup.sh) covers Latin and Cyrillic. */
export const REPORT_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

let font: TrueTypeFont | null = null;
function reportFont(): TrueTypeFont {
  if (!font) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(REPORT_FONT);
    } catch {
      throw invalid(`the report font ${REPORT_FONT} is missing: install fonts-dejavu-core (scripts/setup.sh does)`);
    }
    font = new TrueTypeFont(bytes);
  }
  return font;
}

const ACTIONS: Record<string, string> = {
  'ingested': 'received into the vault',
  'ingest-problem': 'recorded with a problem',
  'probed': 'media analysed (ffprobe)',
  'derivative-made': 'derivative made',
  'activity-detected': 'activity detected',
  'fixity-checked': 'fixity check found a problem',
  'court-exported': 'exported in a court package',
  'court-export-failed': 'court package export failed',
  'acquisition-started': 'acquisition started',
  'acquisition-completed': 'acquisition completed',
  'case-created': 'case created',
  'incident-created': 'incident recorded',
  'incident-changed': 'incident changed',
  'incident-evidence-added': 'cited as evidence of an incident',
  'incident-evidence-removed': 'no longer cited by an incident',
};

const bytes = (n: number | null) => (n === null ? '-' : `${n.toLocaleString('en-US')} bytes`);

/**
 * The package's report.pdf: what the package holds, each item with its hash, size and times, the
 * custody history of each item from the ledger, the acquisitions, the methods and tools used, and
 * how to verify all of it.
 */
export function courtReportPdf(
  m: PackageManifest,
  cases: { id: number; name: string; createdAt: string }[],
  entries: PackageLedger['entries'],
): Buffer {
  const caseNames = cases.map((c) => c.name).join(', ');
  const doc = new PdfDocument(reportFont(), `Custodia evidence package · ${caseNames} · ${m.createdAt}`);
  doc.text('Evidence package report', { size: 20 });
  doc.text(`Case: ${caseNames}`, { size: 13, before: 6 });
  doc.text(
    `Made ${m.createdAt} by ${m.createdBy.operator} on ${m.createdBy.host} with ${m.createdBy.tool}. ` +
      `Scope: ${m.scope.kind} ${m.scope.value}. ${m.items.length} item(s), ${m.derivatives.length} derivative file(s); ` +
      `original files ${m.withOriginals ? 'included' : 'not included'}.`,
    { before: 6 },
  );
  doc.text(`Instance: ${m.instance.origin}`, { before: 6 });
  doc.text(`Verifier key: ${m.instance.verifierKey}`, { size: 8 });
  doc.text(
    `Signed ledger checkpoint: ${m.ledger.treeSize} entries, root ${m.ledger.rootHashHex}. ` +
      `${m.ledger.entryCount} entries about this evidence are included with inclusion proofs; ` +
      `${m.ledger.earlierCheckpoints.length} earlier checkpoint(s) with consistency proofs.`,
    { size: 9, before: 4 },
  );
  for (const t of m.ledger.timestamps) doc.text(`RFC 3161 timestamp ${t.file}: ${t.genTime} by ${t.tsa} (of ${t.checkpoint})`, { size: 9 });
  if (m.ledger.timestamps.length === 0) doc.text('No RFC 3161 timestamps: no timestamp authority was configured.', { size: 9 });

  if (m.incident) {
    const inc = m.incident;
    doc.text(`Incident #${inc.id}: ${inc.title}`, { size: 13, before: 10 });
    doc.text(
      `Occurred ${inc.occurredFrom ?? '?'} to ${inc.occurredTo ?? '?'} (time from ${inc.timeSource})${inc.place ? ` · place: ${inc.place}` : ''} · ` +
        `review status ${inc.status} · version ${inc.version}. This package holds the items its ${inc.segments.length} evidence segment(s) cite:`,
      { size: 9, before: 2 },
    );
    for (const s of inc.segments) {
      const it = m.items.find((i) => i.id === s.item);
      doc.text(`item #${s.item} ${it?.path ?? ''}, ${s.startSec}–${s.endSec} s · ledger entry #${s.ledgerSeq}`, { size: 8, indent: 12 });
    }
  }

  doc.text('1. Evidence list', { size: 15, before: 16 });
  doc.rule();
  for (const it of m.items) {
    doc.text(`#${it.id}  ${it.path}`, { size: 10, before: 6 });
    if (it.rawPathHex) doc.text(`exact name bytes (hex): ${it.rawPathHex}`, { size: 8, indent: 12, grey: 0.3 });
    doc.text(`SHA-256 ${it.sha256 ?? '(no content)'}`, { size: 8, indent: 12 });
    doc.text(
      `${bytes(it.size)} · modified ${it.mtime ?? '-'} · ${it.kind}/${it.format} · status ${it.status}${it.reason ? ` (${it.reason})` : ''} · ` +
        `acquisition ${it.acquisition}${it.parent !== null ? ` · inside item #${it.parent}` : ''} · ledger entry #${it.ledgerSeq}` +
        `${it.file ? ' · original file in the package' : ''}`,
      { size: 8, indent: 12, grey: 0.2 },
    );
  }

  doc.text('2. Custody history per item', { size: 15, before: 16 });
  doc.rule();
  const sorted = [...entries.entries()].sort((a, b) => a[0] - b[0]);
  for (const it of m.items) {
    const shas = new Set(it.sha256 ? [it.sha256] : []);
    for (const d of m.derivatives) if (shas.has(d.sourceSha256)) shas.add(d.sha256);
    doc.text(`#${it.id}  ${it.path}`, { size: 10, before: 6 });
    for (const [seq, e] of sorted) {
      const concerns = seq === it.ledgerSeq || e.subjects.some((s) => shas.has(s)) ||
        (e.action.startsWith('acquisition-') && e.details.acquisition === it.acquisition);
      if (!concerns) continue;
      let what = ACTIONS[e.action] ?? e.action;
      if (e.action === 'derivative-made') what += `: ${String(e.details.kind)} ${String(e.details.derivative).slice(0, 16)}… with ${String(e.details.tool)}`;
      if (e.action === 'probed') what += ` with ${String(e.details.tool)}: ${String(e.details.status)}`;
      doc.text(`${e.time}  #${seq}  ${what}  — ${e.actor}`, { size: 8, indent: 12 });
    }
  }

  doc.text('3. Acquisitions', { size: 15, before: 16 });
  doc.rule();
  for (const a of m.acquisitions) {
    doc.text(`Acquisition ${a.id} (${a.kind}), ${a.status}`, { size: 10, before: 6 });
    doc.text(
      `by ${a.operator} on ${a.host} with ${a.tool}; started ${a.startedAt}, finished ${a.finishedAt ?? '-'}; ` +
        `read from ${a.roots.join(', ')}; options ${JSON.stringify(a.options)}; acquisition manifest SHA-256 ${a.manifestSha256 ?? '-'}; ledger entry #${a.ledgerSeq}`,
      { size: 8, indent: 12 },
    );
  }

  doc.text('4. Methods and tools', { size: 15, before: 16 });
  doc.rule();
  const tools = new Set<string>([m.createdBy.tool, ...m.acquisitions.map((a) => a.tool)]);
  for (const d of m.derivatives) tools.add(d.tool);
  for (const [, e] of sorted) if (e.action === 'probed' && typeof e.details.tool === 'string') tools.add(e.details.tool);
  doc.text(`Tools and versions: ${[...tools].sort().join('; ')}.`, { size: 9 });
  doc.text(
    'Acquisition: files are read where they lie without following links, hashed with SHA-256 while being copied into a ' +
      'content-addressed vault (each stored under its own hash, never modified), and recorded with their exact original ' +
      'path bytes, size and modification time. Archives are read member by member with their checksums verified.',
    { size: 9, before: 4 },
  );
  doc.text(
    'Derivatives (viewing copies, thumbnails, salvaged copies of damaged recordings) are new files made with the tool and ' +
      'recipe recorded for each; the original is never changed. Each derivative names its source by SHA-256.',
    { size: 9, before: 4 },
  );
  const kinds = [...new Set(m.derivatives.map((d) => `${d.kind} (${d.tool})`))];
  if (kinds.length) doc.text(`Derivatives in this package: ${kinds.join('; ')}.`, { size: 9 });
  doc.text(
    'Custody ledger: every action on the evidence is an entry (canonical JSON) in an append-only RFC 6962 Merkle tree. ' +
      'Tree heads are signed as C2SP checkpoints with the instance\'s Ed25519 key and timestamped by an RFC 3161 authority ' +
      'when one is configured. Any change to a recorded entry changes the root and breaks every later signature.',
    { size: 9, before: 4 },
  );

  doc.text('5. How to verify', { size: 15, before: 16 });
  doc.rule();
  for (const line of [
    '1. node verify.js .   (Node.js 18 or later, no installation; prints OK or FAILED per item and a verdict)',
    '2. sha256sum -c SHA256SUMS   (every file of the package)',
    `3. openssl ts -verify -data ledger/checkpoint.txt -in ${m.ledger.timestamps.find((t) => t.checkpoint === 'ledger/checkpoint.txt')?.file ?? 'timestamps/<file>.tsr'} -CAfile ${m.ledger.tsaCaFile ?? '<TSA CA>'}`,
    '4. the checkpoint signature with openssl pkeyutl -verify -rawin, and the Merkle proofs by hand: see VERIFY.md.',
    'Obtain the instance\'s verifier key from the organisation directly and compare it with the one above.',
  ]) doc.text(line, { size: 9, before: 2 });
  return doc.toBuffer();
}
