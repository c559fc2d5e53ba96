import { createHash } from 'node:crypto';
import { canonicalJson } from '@custodia/ledger';
import type { Acquisition, AcquisitionKind, Item, ItemStatus } from '../evidence.js';
import { PRESERVED_STATUSES } from '../evidence.js';
import { conflict, interrupted, invalid } from '../errors.js';
import type { BlobStore } from '../ports/blob-store.port.js';
import type { EvidenceReader, FoundFile } from '../ports/evidence-reader.port.js';
import type { AcquisitionSummary, NewItem, VaultRepo } from '../ports/vault.repo.js';
import { buildManifest } from './manifest.js';
import { SourceReadError, capturingHead } from './source-stream.js';

export interface IngestRequest {
  caseName: string;
  /** Absolute paths, as the operator named them. */
  roots: string[];
  sourceLabel?: string | null;
  note?: string | null;
  operator: string;
  host: string;
  toolVersion: string;
  /** Record a new acquisition even if the same ingest already completed. */
  again?: boolean;
  /** Nested archives deeper than this are stored but not expanded. */
  maxArchiveDepth?: number;
  /** Stops cleanly between two files; re-running the same request resumes. */
  signal?: AbortSignal;
  /** What kind of acquisition this is (default 'bulk-ingest'; the intake import records 'intake-submission'). */
  kind?: AcquisitionKind;
  /**
   * Every item recorded is a protected item (ADR 0021), written in the same transaction as the item
   * itself: a captured copy uploaded as protected is never listed to members without the grant.
   */
  protect?: boolean;
}

export interface IngestProgress {
  planned(totals: { files: number; bytes: number }): void;
  fileStarted(displayPath: string, size: number | null): void;
  bytes(n: number): void;
  fileDone(displayPath: string, status: ItemStatus, skipped: boolean): void;
}

export interface IngestDeps {
  repo: VaultRepo;
  blobs: BlobStore;
  reader: EvidenceReader;
  progress?: IngestProgress;
}

export interface IngestResult {
  acquisition: Acquisition;
  resumed: boolean;
  summary: AcquisitionSummary;
  problems: { path: string; status: ItemStatus; reason: string }[];
  manifestSha256: string;
}

const noProgress: IngestProgress = { planned() {}, fileStarted() {}, bytes() {}, fileDone() {} };

/**
 * Ingests files and zip archives into the vault: each file is streamed once into the blob store
 * (hashed on the way), recorded with its ledger entry, and every problem recorded with its reason.
 * Re-running the same request resumes an interrupted acquisition without duplicating anything.
 */
export async function ingest(req: IngestRequest, deps: IngestDeps): Promise<IngestResult> {
  const { repo, blobs, reader } = deps;
  const progress = deps.progress ?? noProgress;
  if (req.roots.length === 0) throw invalid('nothing to ingest: name at least one file or folder');
  const actor = req.operator;
  const kase = await repo.ensureCase(req.caseName, actor);
  const roots = [...req.roots].sort();
  const resumeKey = createHash('sha256').update(canonicalJson({ case: kase.name, roots })).digest('hex');

  const previous = await repo.findAcquisitionByKey(kase.id, resumeKey);
  let acquisition = previous.find((a) => a.status === 'running');
  const resumed = acquisition !== undefined;
  if (!acquisition) {
    const done = previous.find((a) => a.status !== 'running');
    if (done && !req.again) {
      throw conflict(
        `these paths were already ingested into case "${kase.name}" as acquisition ${done.id} on ${done.startedAt.toISOString()}; ` +
          'pass --again to record a new acquisition of the same material',
        { acquisitionId: done.id },
      );
    }
    acquisition = await repo.startAcquisition(
      {
        caseId: kase.id,
        kind: req.kind ?? 'bulk-ingest',
        resumeKey,
        operator: req.operator,
        host: req.host,
        toolVersion: req.toolVersion,
        sourceLabel: req.sourceLabel ?? null,
        note: req.note ?? null,
        roots,
        options: { maxArchiveDepth: req.maxArchiveDepth ?? 4 },
      },
      actor,
    );
  }
  const acq = acquisition;

  const recorded = new Map<string, Item>();
  const keyOf = (parentId: number | null, memberIndex: number | null, rawPath: Buffer) =>
    `${parentId ?? 0}:${memberIndex ?? -1}:${rawPath.toString('hex')}`;
  for (const it of await repo.itemsOf(acq.id)) recorded.set(keyOf(it.parentId, it.memberIndex, it.rawPath), it);

  const counters = { files: 0, bytes: 0, newBlobs: 0, duplicates: 0 };
  const record = async (input: Omit<NewItem, 'caseId' | 'acquisitionId'>, created: boolean): Promise<Item> => {
    const item = await repo.recordItem({ ...input, caseId: kase.id, acquisitionId: acq.id }, created, actor, req.protect ? { protect: true } : undefined);
    recorded.set(keyOf(item.parentId, item.memberIndex, item.rawPath), item);
    return item;
  };
  const countBlob = (created: boolean, size: number) => {
    counters.files += 1;
    counters.bytes += size;
    if (created) counters.newBlobs += 1;
    else counters.duplicates += 1;
  };

  /** Streams one source into the blob store and classifies what came out. */
  const preserve = async (
    open: () => Promise<{
      chunks: AsyncIterable<Buffer>;
      finished?: () => Promise<{ changed: boolean; reason?: string; problem?: { status: ItemStatus; reason: string } }>;
    }>,
    nameHint: string,
  ) => {
    let opened;
    try {
      opened = await open();
    } catch (e) {
      throw new SourceReadError(e instanceof Error ? e.message : String(e), e);
    }
    const head = capturingHead(opened.chunks, (n) => progress.bytes(n));
    const put = await blobs.put(head.chunks);
    let status: ItemStatus = 'ok';
    let reason: string | null = null;
    const fin: { changed: boolean; reason?: string; problem?: { status: ItemStatus; reason: string } } = opened.finished
      ? await opened.finished()
      : { changed: false };
    const sniffed = reader.sniff(head.bytes(), nameHint);
    if (fin.problem) {
      ({ status, reason } = fin.problem);
    } else if (fin.changed) {
      status = 'changed-during-read';
      reason = fin.reason ?? 'the file changed while it was being read';
    } else if (put.size === 0) {
      status = 'empty';
      reason = 'zero-byte file';
    } else {
      const local = blobs.localPath(put.sha256);
      if (local) {
        const check = await reader.checkStructure(local, sniffed.format);
        if (check.status !== 'ok') {
          status = check.status;
          reason = check.reason ?? check.status;
        }
      }
    }
    return { put, status, reason, sniffed };
  };

  const expandArchive = async (parent: Item, depth: number): Promise<void> => {
    const path = parent.sha256 ? blobs.localPath(parent.sha256) : undefined;
    if (!path) return;
    const memberBase = (index: number, rawName: Buffer, name: string, encoding: string) => ({
      parentId: parent.id,
      memberIndex: index,
      rawPath: rawName,
      displayPath: `${parent.displayPath}!/${name}`,
      relPath: `${parent.relPath}!/${name}`,
      pathEncoding: encoding,
    });
    const recordProblem = async (base: ReturnType<typeof memberBase>, status: ItemStatus, reason: string, size: number | null, mtime: string | null) => {
      if (recorded.has(keyOf(base.parentId, base.memberIndex, base.rawPath))) return;
      await record({ ...base, size, mtime, sha256: null, kind: 'other', format: 'unknown', status, reason }, false);
      progress.fileDone(base.displayPath, status, false);
    };
    // A problem about a listed member arrives just before that member; it decides how the member is recorded.
    const pending = new Map<number, { status: ItemStatus; reason: string; rawName?: Buffer; name?: string }>();
    for await (const m of reader.readArchive(path)) {
      if (m.type === 'problem') {
        if (m.index !== undefined) pending.set(m.index, m);
        else {
          const tag = Buffer.from(`#archive-problem-${m.status}`);
          await recordProblem(memberBase(-2, m.rawName ?? tag, m.name ?? `(${m.status})`, 'n/a'), m.status, m.reason, null, null);
        }
        continue;
      }
      const problem = pending.get(m.index);
      pending.delete(m.index);
      if (m.isDirectory) continue;
      checkAbort();
      const base = memberBase(m.index, m.rawName, m.name, m.nameEncoding);
      let item = recorded.get(keyOf(parent.id, m.index, m.rawName));
      if (item) {
        progress.fileDone(base.displayPath, item.status, true);
      } else if (problem && problem.status !== 'unsafe-name') {
        // Encrypted, unsupported or implausible (a bomb): listed, never inflated.
        await recordProblem(base, problem.status, problem.reason, m.size, m.mtime);
        continue;
      } else {
        progress.fileStarted(base.displayPath, m.size);
        let result;
        try {
          result = await preserve(async () => ({ chunks: await m.open() }), m.name);
        } catch (e) {
          if (!(e instanceof SourceReadError)) throw e;
          await recordProblem(base, memberErrorStatus(e), e.message, m.size, m.mtime);
          continue;
        }
        const { put, sniffed } = result;
        let status: ItemStatus = result.status;
        let reason: string | null = result.reason;
        if (problem && status === 'ok') ({ status, reason } = problem);
        if (m.lossy && reason === null) reason = `member name could not be decoded exactly (raw bytes kept; shown as ${m.nameEncoding})`;
        countBlob(put.created, put.size);
        item = await record(
          { ...base, size: put.size, mtime: m.mtime, sha256: put.sha256, kind: sniffed.kind, format: sniffed.format, status, reason },
          put.created,
        );
        progress.fileDone(base.displayPath, item.status, false);
      }
      if (item.sha256 && reader.isArchive(item.format) && depth < (req.maxArchiveDepth ?? 4)) await expandArchive(item, depth + 1);
    }
    for (const [index, p] of pending) {
      const raw = p.rawName ?? Buffer.from(`#member-${index}`);
      await recordProblem(memberBase(index, raw, p.name ?? `(member ${index})`, 'n/a'), p.status, p.reason, null, null);
    }
  };

  const totals = await reader.totalSize(roots);
  progress.planned(totals);

  const checkAbort = () => {
    if (req.signal?.aborted) {
      throw interrupted(`ingest interrupted; acquisition ${acq.id} is incomplete: run the same command again to resume it`);
    }
  };

  const handleFile = async (found: FoundFile): Promise<void> => {
    let item = recorded.get(keyOf(null, null, found.rawPath));
    if (item) {
      // Recorded by an interrupted run: that first reading stands as the record.
      progress.bytes(found.size);
      progress.fileDone(found.displayPath, item.status, true);
    } else {
      progress.fileStarted(found.displayPath, found.size);
      item = await ingestFile(found);
      progress.fileDone(found.displayPath, item.status, false);
    }
    if (item.sha256 && reader.isArchive(item.format)) await expandArchive(item, 1);
  };

  // Two files in flight: while one is being fsynced and recorded, the next is already read and hashed.
  let inFlight: Promise<void> = Promise.resolve();
  try {
    for await (const found of reader.walk(roots)) {
      checkAbort();
      if (found.type === 'problem') {
        const existing = recorded.get(keyOf(null, null, found.rawPath));
        if (!existing) await record(problemItem(found), false);
        progress.fileDone(found.displayPath, found.status, existing !== undefined);
        continue;
      }
      const next = handleFile(found);
      next.catch(() => {}); // observed when awaited below; never an unhandled rejection
      const previous = inFlight;
      inFlight = next;
      await previous;
    }
  } finally {
    // Never leave a file half-handled behind an error or an interruption.
    await inFlight.catch(() => {});
  }
  await inFlight;

  async function ingestFile(found: FoundFile): Promise<Item> {
    const base = { ...topLevel(found), mtime: found.mtime !== undefined ? found.mtime : isoTime(found.mtimeMs) };
    let result;
    try {
      result = await preserve(() => reader.open(found), found.displayPath);
    } catch (e) {
      if (!(e instanceof SourceReadError)) throw e;
      return record(
        {
          ...base,
          size: found.size,
          sha256: null,
          kind: 'other',
          format: 'unknown',
          status: statusOfReadError(e),
          reason: e instanceof Error ? e.message : String(e),
        },
        false,
      );
    }
    countBlob(result.put.created, result.put.size);
    return record(
      {
        ...base,
        size: result.put.size,
        sha256: result.put.sha256,
        kind: result.sniffed.kind,
        format: result.sniffed.format,
        status: result.status,
        reason: result.reason,
      },
      result.put.created,
    );
  }

  // Everything recorded for this acquisition, including what an interrupted run recorded.
  const items = await repo.itemsOf(acq.id);
  const byStatus: Record<string, number> = {};
  for (const it of items) byStatus[it.status] = (byStatus[it.status] ?? 0) + 1;
  const problems = items
    .filter((it) => it.status !== 'ok')
    .map((it) => ({ path: it.displayPath, status: it.status, reason: it.reason ?? it.status }));
  const preserved = items.filter((it) => it.sha256 !== null);
  const summary: AcquisitionSummary = {
    files: items.length,
    bytes: preserved.reduce((s, it) => s + (it.size ?? 0), 0),
    newBlobs: counters.newBlobs,
    duplicates: countDuplicates(preserved),
    problems: problems.length,
    byStatus,
  };
  const manifest = buildManifest(acq, kase.name, items);
  const manifestPut = await blobs.put(oneChunk(manifest));
  const finished = await repo.finishAcquisition(
    acq.id,
    {
      status: problems.length > 0 ? 'complete-with-problems' : 'complete',
      manifestSha256: manifestPut.sha256,
      manifestSize: manifestPut.size,
      summary,
    },
    actor,
  );
  return { acquisition: finished, resumed, summary, problems, manifestSha256: manifestPut.sha256 };
}

/** The identity of an item found directly on the filesystem (not inside an archive). */
function topLevel(found: { rawPath: Buffer; displayPath: string; relPath: string; pathEncoding?: string }) {
  return {
    parentId: null,
    memberIndex: null,
    rawPath: found.rawPath,
    displayPath: found.displayPath,
    relPath: found.relPath,
    pathEncoding: found.pathEncoding ?? 'fs',
  };
}

function problemItem(found: { rawPath: Buffer; displayPath: string; relPath: string; status: ItemStatus; reason: string }) {
  return {
    ...topLevel(found),
    size: null,
    mtime: null,
    sha256: null,
    kind: 'other' as const,
    format: 'unknown',
    status: found.status,
    reason: found.reason,
  };
}

/** Items sharing a blob with an earlier item of the same acquisition. */
function countDuplicates(items: Item[]): number {
  const seen = new Set<string>();
  let dups = 0;
  for (const it of items) {
    if (!it.sha256) continue;
    if (seen.has(it.sha256)) dups += 1;
    else seen.add(it.sha256);
  }
  return dups;
}

function statusOfReadError(e: unknown): ItemStatus {
  const code = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : undefined;
  if (code === 'EACCES' || code === 'EPERM') return 'permission-denied';
  if (code === 'ENOENT') return 'not-found';
  const cause = e instanceof SourceReadError ? e.cause : undefined;
  if (cause && typeof cause === 'object' && 'code' in cause) {
    const c = (cause as { code: unknown }).code;
    if (c === 'EACCES' || c === 'EPERM') return 'permission-denied';
  }
  return 'unreadable';
}

/** Zip member errors carry their own status (truncated, corrupt, encrypted…); anything else is corrupt. */
function memberErrorStatus(e: SourceReadError): ItemStatus {
  const status = (e.cause as { status?: unknown } | undefined)?.status;
  const known: ItemStatus[] = ['truncated', 'corrupt', 'unreadable', 'encrypted', 'unsupported'];
  return known.includes(status as ItemStatus) ? (status as ItemStatus) : 'corrupt';
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

async function* oneChunk(s: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(s, 'utf8');
}

export { PRESERVED_STATUSES };
