import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { conflict, integrity, invalid } from '@custodia/core';
import { canonicalJson } from '@custodia/ledger';
import { copyHashed } from '../export/blob-copy.js';
import { packageLedger } from '../export/export-ledger.js';
import { writeStoredZip } from '../export/stored-zip.writer.js';
import type { Queryable } from '../db/db.js';
import type { Vault } from '../vault.js';
import { publicSiteContent, type PublicFacility, type PublicIncident, type PublicVideo } from './site-content.js';
import { facilitiesIndexPage, facilityPage, howToVerifyPage, incidentPage, indexPage, pageCtx, timelinePage, type VideoStatement } from './site-html.js';
import { ledgerLines, STATEMENT_ACTION, STATEMENT_ACTOR, verificationFolder } from './site-verification.js';

export interface SiteBuildInput {
  caseId: number;
  /** The site folder to create; it must not exist yet. */
  outDir: string;
  /** Also write `<outDir>.zip`. */
  zip: boolean;
  /** Who builds it, as the ledger names them (`user:…` on the server, the operator on the command line). */
  actor: string;
  /** The bundled offline verifier (packages/verify/dist/verify.js), copied in as verification/verify.js. */
  verifierBundle: string;
  toolVersion: string;
  /** Writes a JPEG poster frame of `video` (the redacted file) to `out`; ffmpeg, from the composition root. */
  poster: (video: string, out: string) => Promise<void>;
  onProgress?: (p: SiteBuildProgress) => void;
  /** Aborted when the build must stop (a job whose lease was lost): nothing is put in place. */
  signal?: AbortSignal;
  /** More details for the `site-published` entry (the job, the worker, the build's number). */
  details?: Record<string, unknown>;
  /** Names the temporary folder (`<outDir>.partial-<tag>`); default the process id. */
  workTag?: string;
}

export interface SiteBuildProgress {
  phase: 'videos' | 'pages' | 'zip';
  done: number;
  total: number;
}

export interface SiteBuildResult {
  dir: string;
  zip: string | null;
  incidents: number;
  videos: number;
  files: number;
  bytes: number;
  checkpoint: { id: number; treeSize: number };
  /** The `site-published` ledger entry recording this build. */
  ledgerSeq: number;
  skipped: { incident: number; redaction: number | null; reason: string }[];
  /** What went wrong without stopping the build (a poster ffmpeg could not take). */
  warnings: string[];
}

/** A site written to its temporary folder (and zip), not yet in place nor recorded. */
export interface PreparedSite {
  result: Omit<SiteBuildResult, 'ledgerSeq'>;
  /**
   * In the caller's transaction: appends the `site-published` entry, runs `record` (the caller's
   * own rows), then renames the folder and the zip into place, last. Anything failing removes what
   * was written and throws (the transaction then rolls back). Use only `tx` in `record`.
   */
  install: (tx: Queryable, record?: (tx: Queryable, ledgerSeq: number) => Promise<void>) => Promise<number>;
  /** Removes the temporary folder and zip (a build given up). */
  discard: () => Promise<void>;
}

/**
 * Builds the public static site of a case (docs/adr/0018-publication.md) and records it: the
 * `site-published` ledger entry is appended in the transaction that renames the finished folder
 * (and zip) into place, so a build that fails leaves neither a folder nor an entry.
 */
export async function buildPublicSite(vault: Vault, input: SiteBuildInput): Promise<SiteBuildResult> {
  const prepared = await preparePublicSite(vault, input);
  const ledgerSeq = await vault.db.transaction((tx) => prepared.install(tx));
  return { ...prepared.result, ledgerSeq };
}

/**
 * Writes the public static site of a case to a temporary folder beside `outDir` (and its zip): the
 * verified incidents marked public, with their public text, facility, time and types of
 * ill-treatment; each approved redacted video copied in under its SHA-256 (re-hashed on the way
 * out), with a poster frame taken from it and a verification folder proving its publication
 * statement against a checkpoint signed now. Only the fields chosen in site-content.ts reach the
 * pages. `install` puts it in place and records it; on any error here nothing is left behind.
 */
export async function preparePublicSite(vault: Vault, input: SiteBuildInput): Promise<PreparedSite> {
  const outDir = resolve(input.outDir);
  const zipPath = input.zip ? `${outDir}.zip` : null;
  if (existsSync(outDir)) throw conflict(`${outDir} already exists: choose a new folder for the site`);
  if (zipPath && existsSync(zipPath)) throw conflict(`${zipPath} already exists`);
  if (!existsSync(dirname(outDir))) throw invalid(`the folder ${dirname(outDir)} does not exist`);
  if (!existsSync(input.verifierBundle)) {
    throw invalid(`the offline verifier bundle ${input.verifierBundle} is missing: run "npm run build" (it runs scripts/build-verifier.mjs)`);
  }
  const stop = () => {
    if (input.signal?.aborted) throw input.signal.reason instanceof Error ? input.signal.reason : new Error('the site build was stopped');
  };
  const content = await publicSiteContent(vault.db, input.caseId);
  if (content.incidents.length === 0) {
    throw invalid(`nothing to publish: no verified incident of this case is marked public${content.skipped.length ? ` (${content.skipped.map((s) => `incident ${s.incident}: ${s.reason}`).join('; ')})` : ''}`);
  }
  const videos = content.incidents.flatMap((i) => i.videos.map((v) => ({ incident: i.id, video: v })));
  input.onProgress?.({ phase: 'videos', done: 0, total: videos.length });

  // The statements first, so that the checkpoint signed next covers them. A statement is reused by
  // later builds, so one recorded by a build that then fails is not wasted.
  const statements = await vault.db.transaction(async (tx) => {
    const out = new Map<number, number>();
    for (const { video } of videos) if (!out.has(video.redactionId)) out.set(video.redactionId, await statementSeq(vault, tx, video));
    return out;
  });
  const { checkpoint } = await vault.checkpoint();
  const renderSeqs = videos.flatMap((v) => (v.video.renderSeq === null ? [] : [v.video.renderSeq]));
  const ledger = await packageLedger(vault, checkpoint, { seqs: [...statements.values(), ...renderSeqs], subjects: [], acquisitions: [], cases: [] });
  const lines = ledgerLines(ledger);

  const work = `${outDir}.partial-${input.workTag ?? process.pid}`;
  const workZip = `${work}.zip`;
  const discard = async () => {
    await rm(work, { recursive: true, force: true });
    await rm(workZip, { force: true });
  };
  await discard();
  await mkdir(work, { recursive: true });
  try {
    const builtAt = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
    const written: { path: string; sha256: string; size: number }[] = [];
    const add = async (path: string, bytes: Buffer) => {
      await mkdir(dirname(join(work, path)), { recursive: true });
      await writeFile(join(work, path), bytes, { flag: 'wx' });
      written.push({ path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
    };

    // Videos: the redacted blob, re-hashed on the way out, named by its hash; the poster from it alone.
    const statementsBy = new Map<number, VideoStatement>();
    const warnings: string[] = [];
    let done = 0;
    for (const { incident, video } of videos) {
      stop();
      const sha = video.derivativeSha256;
      const file = await copyVideo(vault, sha, work, written, { incident, redaction: video.redactionId });
      const kind = containerKind(file);
      let poster: string | null = `media/${sha}.poster.jpg`;
      if (!written.some((w) => w.path === poster)) {
        try {
          await input.poster(join(work, file), join(work, poster));
          const bytes = await readFile(join(work, poster));
          written.push({ path: poster, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
        } catch (e) {
          await rm(join(work, poster), { force: true });
          warnings.push(`no poster for ${file}: ${(e as Error).message}`);
          poster = null; // the video still plays; the browser shows its first frame
        }
      }
      const folder = `verification/${sha}`;
      const stmtSeq = statements.get(video.redactionId)!;
      for (const f of verificationFolder(vault, ledger, lines, { video, videoFile: file, incidentId: incident, statementSeq: stmtSeq, toolVersion: input.toolVersion, createdAt: new Date(checkpoint.createdAt).toISOString() })) {
        if (!written.some((w) => w.path === `${folder}/${f.path}`)) await add(`${folder}/${f.path}`, f.bytes);
      }
      const render = video.renderSeq === null ? null : lines.proofs.get(video.renderSeq);
      statementsBy.set(video.redactionId, {
        video, file, poster, mime: kind.mime, folder, statementSeq: stmtSeq,
        checkpoint: { treeSize: ledger.treeSize, rootHashHex: ledger.rootHashHex }, verifierKey: vault.instance.verifierKey,
        render: render ? { seq: render.seq, leafHashHex: render.leafHashHex } : null,
      });
      input.onProgress?.({ phase: 'videos', done: ++done, total: videos.length });
    }
    if (videos.length > 0) {
      const v = await copyHashed({ sha: null, src: input.verifierBundle, dest: join(work, 'verification', 'verify.js'), label: 'the offline verifier' });
      written.push({ path: 'verification/verify.js', ...v });
    }
    stop();

    const html = (s: string) => Buffer.from(s, 'utf8');
    const byFacility = new Map<number, { facility: PublicFacility; incidents: PublicIncident[] }>();
    for (const i of content.incidents) {
      if (!i.facility) continue;
      const e = byFacility.get(i.facility.id) ?? { facility: i.facility, incidents: [] };
      e.incidents.push(i);
      byFacility.set(i.facility.id, e);
    }
    const facilities = [...byFacility.values()].sort((a, b) => a.facility.name.localeCompare(b.facility.name));
    const pages = 2 * (4 + facilities.length + content.incidents.length);
    let paged = 0;
    const page = async (path: string, body: string) => {
      await add(path, html(body));
      input.onProgress?.({ phase: 'pages', done: ++paged, total: pages });
    };
    // English at the root, Russian under ru/.
    for (const lang of ['en', 'ru'] as const) {
      const at = (path: string) => pageCtx(lang, path, builtAt);
      const out = (path: string) => (lang === 'en' ? path : `ru/${path}`);
      await page(out('index.html'), indexPage(at('index.html'), content.incidents));
      await page(out('timeline.html'), timelinePage(at('timeline.html'), content.incidents));
      await page(out('how-to-verify.html'), howToVerifyPage(at('how-to-verify.html'), vault.instance.verifierKey));
      await page(out('facilities/index.html'), facilitiesIndexPage(at('facilities/index.html'), facilities.map((f) => ({ facility: f.facility, count: f.incidents.length }))));
      for (const f of facilities) await page(out(`facilities/${f.facility.id}.html`), facilityPage(at(`facilities/${f.facility.id}.html`), f.facility, f.incidents));
      for (const i of content.incidents) {
        await page(out(`incidents/${i.id}.html`), incidentPage(at(`incidents/${i.id}.html`), i, i.videos.map((v) => statementsBy.get(v.redactionId)!)));
      }
    }
    const sums = [...written].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => `${f.sha256}  ${f.path}\n`).join('');
    await writeFile(join(work, 'SHA256SUMS'), sums, { flag: 'wx' });
    stop();
    if (zipPath) await writeStoredZip(work, workZip, basename(outDir), (d, total) => input.onProgress?.({ phase: 'zip', done: d, total }));
    stop();

    const result: PreparedSite['result'] = {
      dir: outDir, zip: zipPath, incidents: content.incidents.length, videos: new Set(videos.map((x) => x.video.derivativeSha256)).size, files: written.length + 1,
      bytes: written.reduce((s, f) => s + f.size, 0), checkpoint: { id: checkpoint.id, treeSize: checkpoint.treeSize }, skipped: content.skipped, warnings,
    };
    const note = {
      actor: input.actor,
      action: 'site-published',
      subjects: [...new Set(videos.map((v) => v.video.derivativeSha256))].sort(),
      details: {
        case: input.caseId, site: basename(outDir), incidents: content.incidents.map((i) => i.id), redactions: videos.map((v) => v.video.redactionId),
        statements: [...statements.values()], tool: `custodia ${input.toolVersion}`, ...input.details,
      },
    };
    const install = async (tx: Queryable, record?: (tx: Queryable, ledgerSeq: number) => Promise<void>): Promise<number> => {
      let placed = false;
      try {
        const { seq } = await vault.ledger.append(tx, note);
        if (record) await record(tx, seq);
        if (existsSync(outDir)) throw conflict(`${outDir} appeared while the site was being built: choose a new folder for the site`);
        if (zipPath && existsSync(zipPath)) throw conflict(`${zipPath} appeared while the site was being built`);
        await rename(work, outDir);
        placed = true;
        if (zipPath) await rename(workZip, zipPath);
        return seq;
      } catch (e) {
        if (placed) await rm(outDir, { recursive: true, force: true });
        await discard();
        throw e;
      }
    };
    return { result, install, discard };
  } catch (e) {
    await discard();
    throw e;
  }
}

/**
 * The ledger entry that states a video's publication: by `publication` (not a person: its text is
 * published), naming the redacted file, its source, the original, the recipe and the render's entry.
 * One per redaction (a video published with two incidents has one statement); a statement already
 * made for the same redaction and render is reused by later builds.
 */
async function statementSeq(vault: Vault, tx: Queryable, v: PublicVideo): Promise<number> {
  const found = await tx.query<{ seq: number; entry: string }>(
    `SELECT seq, entry FROM ledger_entries WHERE seq IN (SELECT seq FROM ledger_refs WHERE sha256 = $2 AND action = $1) ORDER BY seq`,
    [STATEMENT_ACTION, v.derivativeSha256],
  );
  let render: { seq: number; leafHashHex: string } | null = null;
  if (v.renderSeq !== null) {
    const r = await tx.query<{ leaf_hash: Buffer }>('SELECT leaf_hash FROM ledger_entries WHERE seq = $1', [v.renderSeq]);
    render = { seq: v.renderSeq, leafHashHex: Buffer.from(r.rows[0]!.leaf_hash).toString('hex') };
  }
  const details = {
    redaction: v.redactionId, derivative: v.derivativeSha256, source: v.sourceSha256, original: v.originalSha256, recipeSha256: v.recipeSha256, render,
  };
  for (const row of found.rows) {
    const d = (JSON.parse(row.entry) as { details: Record<string, unknown> }).details;
    if (canonicalJson(d) === canonicalJson(details)) return Number(row.seq);
  }
  const { seq } = await vault.ledger.append(tx, {
    actor: STATEMENT_ACTOR,
    action: STATEMENT_ACTION,
    subjects: [...new Set([v.derivativeSha256, v.sourceSha256, v.originalSha256])].sort(),
    details,
  });
  return seq;
}

/**
 * Copies a redacted video into the site once (named by its hash, with the extension of its
 * container), re-hashed on the way out; a blob missing or changed on disk stops the build with a
 * message naming the incident and the redaction.
 */
async function copyVideo(vault: Vault, sha: string, work: string, written: { path: string; sha256: string; size: number }[], of: { incident: number; redaction: number }): Promise<string> {
  const already = written.find((w) => w.sha256 === sha && w.path.startsWith('media/') && !w.path.endsWith('.poster.jpg'));
  if (already) return already.path;
  const where = `the redacted video of redaction ${of.redaction} (incident ${of.incident})`;
  let kind: { ext: string };
  try {
    kind = await containerOf(vault.blobs.localPath(sha));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw integrity(`${where}: the stored blob ${sha} is missing from the blob store: run "custodia verify --all"; the site was not built`);
    throw e;
  }
  const file = `media/${sha}.${kind.ext}`;
  const { size } = await copyHashed({ sha, src: vault.blobs.localPath(sha), dest: join(work, file), label: where, outcome: 'the site was not built' });
  written.push({ path: file, sha256: sha, size });
  return file;
}

const containerKind = (file: string): { mime: string } =>
  file.endsWith('.mp4') ? { mime: 'video/mp4' } : file.endsWith('.webm') ? { mime: 'video/webm' } : { mime: 'application/octet-stream' };

/** The container of a rendered file, from its first bytes: what the page's <source type> says. */
async function containerOf(path: string): Promise<{ ext: string; mime: string }> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(16);
    await fh.read(b, 0, 16, 0);
    if (b.subarray(4, 8).toString('latin1') === 'ftyp') return { ext: 'mp4', mime: 'video/mp4' };
    if (b.readUInt32BE(0) === 0x1a45dfa3) return { ext: 'webm', mime: 'video/webm' };
    return { ext: 'bin', mime: 'application/octet-stream' };
  } finally {
    await fh.close();
  }
}
