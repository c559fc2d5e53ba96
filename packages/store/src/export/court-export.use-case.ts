import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { conflict, invalid } from '@custodia/core';
import type { PackageDerivative, PackageFile, PackageManifest } from '@custodia/verify';
import { tokensOf } from '../ledger/anchor.js';
import type { Vault } from '../vault.js';
import { copyBlobs, copyHashed, type BlobCopy } from './blob-copy.js';
import { courtReportPdf } from './court-report.pdf.js';
import { packageLedger } from './export-ledger.js';
import { packageItem, selectForExport, type ExportScope } from './export-scope.js';
import { writeStoredZip } from './stored-zip.writer.js';
import { verifyGuide } from './verify-guide.js';

/** Blobs copied at a time (ADR 0030: two overlap one's disk I/O with the other's hashing). */
const EXPORT_PARALLEL = 2;

/** The manifest format this exporter writes (the verifier refuses others). */
export const COURT_PACKAGE_FORMAT = 'custodia-court-package/1';

export interface CourtExportInput {
  scope: ExportScope;
  withOriginals: boolean;
  /** Include protected items (captured copies about the source's own legal exposure, ADR 0021); left out otherwise. */
  withSourceProtected?: boolean;
  /** The package folder to create; it must not exist yet. */
  outDir: string;
  /** Also write `<outDir>.zip`. */
  zip: boolean;
  /** The bundled offline verifier (packages/verify/dist/verify.js), copied into the package. */
  verifierBundle: string;
  operator: string;
  host: string;
  toolVersion: string;
  onProgress?: (p: { phase: 'files' | 'ledger' | 'report' | 'zip'; done: number; total: number; bytes: number }) => void;
}

export interface CourtExportResult {
  dir: string;
  zip: string | null;
  items: number;
  originals: number;
  derivatives: number;
  files: number;
  bytes: number;
  ledgerEntries: number;
  checkpoint: { id: number; treeSize: number };
  timestamps: number;
  /** The `court-exported` ledger entry recording this export. */
  ledgerSeq: number;
  anchorFailures: string[];
  /** Seconds spent in each phase (selection, ledger entry + checkpoint + proofs, files, report, zip). */
  timings: Record<'select' | 'ledger' | 'files' | 'report' | 'zip', number>;
}

/**
 * Builds a court package (docs/adr/0016-court-package-format.md): the chosen items' originals
 * (optional) and derivatives, manifest.json, the ledger entries about them with inclusion proofs
 * against a checkpoint signed now, earlier checkpoints with consistency proofs, RFC 3161 tokens,
 * report.pdf, VERIFY.md, verify.js and SHA256SUMS. The export itself is recorded in the ledger
 * (and so is in the package). Written to a temporary folder renamed into place at the end: a
 * failed export leaves no package that looks complete.
 */
export async function exportCourtPackage(vault: Vault, input: CourtExportInput): Promise<CourtExportResult> {
  const outDir = resolve(input.outDir);
  if (existsSync(outDir)) throw conflict(`${outDir} already exists: choose a new folder for the package`);
  if (input.zip && existsSync(`${outDir}.zip`)) throw conflict(`${outDir}.zip already exists`);
  if (!existsSync(dirname(outDir))) throw invalid(`the folder ${dirname(outDir)} does not exist`);
  if (!existsSync(input.verifierBundle)) {
    throw invalid(`the offline verifier bundle ${input.verifierBundle} is missing: run "npm run build" (it runs scripts/build-verifier.mjs)`);
  }

  const timings = { select: 0, ledger: 0, files: 0, report: 0, zip: 0 };
  let mark = performance.now();
  const lap = (phase: keyof typeof timings) => {
    const now = performance.now();
    timings[phase] += (now - mark) / 1000;
    mark = now;
  };
  const sel = await selectForExport(vault, input.scope, { withSourceProtected: input.withSourceProtected === true });
  lap('select');
  const itemShas = [...new Set(sel.items.flatMap((i) => (i.sha256 ? [i.sha256] : [])))].sort();
  const derivShas = [...new Set(sel.derivatives.map((d) => d.sha256))].sort();
  const scopeValue = input.scope.kind === 'case' ? input.scope.name : input.scope.kind === 'items' ? input.scope.ids.join(',') : input.scope.id;

  // The export is an action on evidence: recorded first, so the checkpoint signed next covers it.
  const { seq: ledgerSeq } = await vault.db.transaction((tx) =>
    vault.ledger.append(tx, {
      actor: input.operator,
      action: 'court-exported',
      subjects: [...new Set([...itemShas, ...derivShas])].sort(),
      details: {
        scope: { kind: input.scope.kind, value: scopeValue },
        items: sel.items.map((i) => i.id),
        withOriginals: input.withOriginals,
        package: basename(outDir),
        host: input.host,
        tool: `custodia ${input.toolVersion}`,
      },
    }),
  );
  const { checkpoint, anchors } = await vault.checkpoint();
  const ledger = await packageLedger(vault, checkpoint, {
    seqs: [
      ...sel.items.map((i) => i.ledgerSeq), ...sel.derivatives.map((d) => d.ledgerSeq), ...sel.acquisitions.map((a) => a.ledgerSeq),
      ...(sel.incident?.segments.map((s) => s.ledgerSeq) ?? []), ledgerSeq,
    ],
    subjects: [...itemShas, ...derivShas],
    acquisitions: sel.acquisitions.map((a) => a.id),
    cases: sel.cases.map((c) => c.id),
  });
  lap('ledger');

  const work = `${outDir}.partial-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    const files: PackageFile[] = [];
    const add = async (path: string, bytes: Buffer) => {
      await mkdir(dirname(join(work, path)), { recursive: true });
      await writeFile(join(work, path), bytes, { flag: 'wx' });
      files.push({ path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
    };

    // Evidence files, each copied by the kernel and the copy hashed: a blob that no longer matches its name is never shipped.
    const itemOf = new Map<string, string>();
    for (const it of sel.items) if (it.sha256 && !itemOf.has(it.sha256)) itemOf.set(it.sha256, `item ${it.id} (${it.displayPath})`);
    const derivOf = new Map(sel.derivatives.map((d) => [d.sha256, `the ${d.kind} of ${itemOf.get(d.sourceSha256) ?? `blob ${d.sourceSha256}`}`]));
    const copies: (BlobCopy & { path: string })[] = [
      ...(input.withOriginals ? itemShas.map((sha) => ({ sha, path: `files/originals/${sha}`, label: itemOf.get(sha)! })) : []),
      ...derivShas.map((sha) => ({ sha, path: `files/derivatives/${sha}`, label: derivOf.get(sha)! })),
    ].map((c) => ({ ...c, src: vault.blobs.localPath(c.sha), dest: join(work, c.path) }));
    let copied = 0;
    let bytes = 0;
    await copyBlobs(copies, EXPORT_PARALLEL, (c, size) => {
      files.push({ path: c.path, sha256: c.sha, size });
      bytes += size;
      input.onProgress?.({ phase: 'files', done: ++copied, total: copies.length, bytes });
    });

    lap('files');
    input.onProgress?.({ phase: 'ledger', done: 0, total: 1, bytes });
    for (const f of ledger.files) await add(f.path, f.bytes);
    const tsaCa = vault.config.tsaCaFile && existsSync(vault.config.tsaCaFile) ? 'timestamps/tsa-ca.pem' : null;
    if (tsaCa) {
      const h = await copyHashed({ sha: null, src: vault.config.tsaCaFile!, dest: join(work, tsaCa), label: 'the TSA CA certificate' });
      files.push({ path: tsaCa, sha256: h.sha256, size: h.size });
    }
    const tokens = (await tokensOf(vault.db, checkpoint.id)).length;

    const manifest: PackageManifest = {
      format: COURT_PACKAGE_FORMAT,
      createdAt: new Date().toISOString(),
      createdBy: { operator: input.operator, host: input.host, tool: `custodia ${input.toolVersion}` },
      scope: { kind: input.scope.kind, value: scopeValue },
      withOriginals: input.withOriginals,
      instance: {
        id: vault.instance.id, origin: vault.instance.origin, verifierKey: vault.instance.verifierKey, publicKeyHex: vault.instance.publicKey.toString('hex'),
      },
      cases: sel.cases.map((c) => ({ id: c.id, name: c.name })),
      items: sel.items.map((it) => packageItem(it, input.withOriginals)),
      acquisitions: sel.acquisitions,
      derivatives: sel.derivatives.map((d): PackageDerivative => ({ ...d, file: `files/derivatives/${d.sha256}` })),
      ...(sel.incident ? { incident: sel.incident } : {}),
      ledger: {
        checkpoint: 'ledger/checkpoint.txt', verifierKey: 'ledger/verifier.key', entries: 'ledger/entries.jsonl', proofs: 'ledger/proofs.jsonl',
        treeSize: ledger.treeSize, rootHashHex: ledger.rootHashHex, entryCount: ledger.entryCount,
        earlierCheckpoints: ledger.earlierCheckpoints, timestamps: ledger.timestamps, tsaCaFile: tsaCa,
      },
      files,
    };
    input.onProgress?.({ phase: 'report', done: 0, total: 1, bytes });
    await add('VERIFY.md', Buffer.from(verifyGuide(manifest), 'utf8'));
    await add('report.pdf', courtReportPdf(manifest, sel.cases, ledger.entries));
    const v = await copyHashed({ sha: null, src: input.verifierBundle, dest: join(work, 'verify.js'), label: 'the offline verifier' });
    files.push({ path: 'verify.js', sha256: v.sha256, size: v.size });
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
    await writeFile(join(work, 'manifest.json'), manifestBytes, { flag: 'wx' });
    const sums = [...files, { path: 'manifest.json', sha256: createHash('sha256').update(manifestBytes).digest('hex'), size: manifestBytes.length }]
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((f) => `${f.sha256}  ${f.path}\n`)
      .join('');
    await writeFile(join(work, 'SHA256SUMS'), sums, { flag: 'wx' });
    await rename(work, outDir);
    lap('report');

    let zip: string | null = null;
    if (input.zip) {
      zip = `${outDir}.zip`;
      await writeStoredZip(outDir, zip, basename(outDir), (done, total, b) => input.onProgress?.({ phase: 'zip', done, total, bytes: b }));
      lap('zip');
    }
    return {
      dir: outDir, zip, items: sel.items.length, originals: input.withOriginals ? itemShas.length : 0, derivatives: derivShas.length,
      files: files.length + 2, bytes, ledgerEntries: ledger.entryCount, checkpoint: { id: checkpoint.id, treeSize: checkpoint.treeSize },
      timestamps: tokens, ledgerSeq, anchorFailures: anchors.filter((a) => !a.ok).map((a) => `${a.url}: ${a.error}`),
      timings: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v * 100) / 100])) as CourtExportResult['timings'],
    };
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    await recordFailedExport(vault, input.operator, ledgerSeq, basename(outDir), e);
    throw e;
  }
}

/**
 * The `court-exported` entry is written before the files are copied (so the package can prove it);
 * an export that then fails says so in the ledger, with the reason — a blob found changed or
 * missing is itself an event of the custody history. Never hides the export's own error.
 */
async function recordFailedExport(vault: Vault, operator: string, exportSeq: number, pkg: string, e: unknown): Promise<void> {
  const err = e as Error & { code?: string; details?: { sha256?: string } };
  try {
    await vault.db.transaction((tx) =>
      vault.ledger.append(tx, {
        actor: operator,
        action: 'court-export-failed',
        subjects: err.details?.sha256 ? [err.details.sha256] : [],
        details: { export: exportSeq, package: pkg, reason: err.message ?? String(e), ...(err.code ? { code: err.code } : {}) },
      }),
    );
  } catch {
    // The export's error is what the operator needs; a ledger that cannot be written fails the next action loudly.
  }
}
