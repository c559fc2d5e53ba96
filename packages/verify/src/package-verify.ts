// Verifies a court package made by `custodia export`, with nothing but Node and this code
// (bundled into the package as verify.js). What is trusted: the instance's Ed25519 verifier key
// (better given with --key from a source other than the package) and, for the timestamps, the
// TSA's CA certificate. Everything else is recomputed from the bytes in the package.

import { checkLedger, type CheckedEntry, type LedgerCheck, type Problem, type VerifiedTimestamp } from './ledger-checks.js';
import { parseSums } from './package-files.js';
import { openPackage, type PackageSource } from './package-source.js';
import { parseManifest, type PackageDerivative, type PackageItem, type PackageManifest } from './package-format.js';

export type { Problem, VerifiedTimestamp } from './ledger-checks.js';

export interface ItemVerdict {
  id: number;
  path: string;
  sha256: string | null;
  ok: boolean;
  problems: Problem[];
  /** Earliest RFC 3161 time by which the item's ingest entry was in a timestamped checkpoint. */
  timestampedBy: string | null;
  derivatives: number;
}

export interface PackageVerification {
  ok: boolean;
  /** The package folder or zip file verified. */
  dir: string;
  /** A folder, or a zip read in place without unpacking it. */
  container: 'folder' | 'zip';
  instance: { origin: string; verifierKey: string; keyFromPackage: boolean; tsaCaFromPackage: boolean } | null;
  checkpoint: { treeSize: number; signed: boolean } | null;
  files: { checked: number; bytes: number };
  ledger: {
    entries: number; included: number; earlierCheckpoints: number; consistent: number;
    /** Entries proven by their leaf hash alone, their text withheld (a public site's render entry). */
    leafProofs: { file: string; seq: number; leafHashHex: string; included: boolean }[];
  } | null;
  timestamps: VerifiedTimestamp[];
  /** The incident a package made with `--incident` was exported for; its segments are checked under their items. */
  incident: { id: number; title: string; segments: number } | null;
  items: ItemVerdict[];
  /** Every problem found, each naming the file (and line or entry) where it is. */
  problems: Problem[];
}

export interface VerifyOptions {
  /** The instance's verifier key, obtained independently of the package (recommended). */
  verifierKey?: string;
  /** Path of the openssl binary for the timestamp signatures; false to skip them. Default `openssl` on PATH. */
  openssl?: string | false;
  /** The TSA's CA certificate (PEM), obtained independently; default the one shipped in the package. */
  tsaCaFile?: string;
}

const SELF = new Set(['manifest.json', 'SHA256SUMS']);

/**
 * Verifies the package at `location` — its folder, or its zip read in place without unpacking it
 * (ADR 0030): file hashes against manifest.json and SHA256SUMS, the signed
 * checkpoint, every ledger entry's inclusion proof, earlier checkpoints' consistency, the RFC 3161
 * tokens, and for each item that the ledger says what the manifest says. Never throws for bad
 * package content: every problem is reported in `problems` (and under the items it concerns).
 *
 * @example
 * const r = await verifyPackage('/media/usb/case-2024-017', { verifierKey: 'custodia.example/ledger+1a2b3c4d+AUk…' });
 * r.ok // => true when everything checks
 * r.items.filter((i) => !i.ok).map((i) => i.path) // => the broken items
 */
export async function verifyPackage(location: string, opts: VerifyOptions = {}): Promise<PackageVerification> {
  const result: PackageVerification = {
    ok: false, dir: location, container: 'folder', instance: null, checkpoint: null, files: { checked: 0, bytes: 0 }, ledger: null, timestamps: [], incident: null, items: [], problems: [],
  };
  let src: PackageSource;
  try {
    src = await openPackage(location);
  } catch (e) {
    result.problems.push({ where: location, what: `cannot read the package: ${(e as Error).message}` });
    return result;
  }
  try {
    result.container = src.kind;
    await check(src, result, opts);
  } finally {
    await src.close();
  }
  // The container's own problems (a zip's structure, an entry's header or CRC), once each.
  const seen = new Set(result.problems.map((p) => `${p.where}\0${p.what}`));
  for (const p of src.problems()) if (!seen.has(`${p.where}\0${p.what}`)) result.problems.push(p);
  result.files = { checked: src.count, bytes: src.bytes };
  result.ok = result.problems.length === 0;
  return result;
}

async function check(src: PackageSource, result: PackageVerification, opts: VerifyOptions): Promise<void> {
  const problems = result.problems;
  const present = await src.list().catch((e: Error) => {
    problems.push({ where: src.location, what: `cannot read the package folder: ${e.message}` });
    return [] as string[];
  });
  if (present.length === 0) {
    if (src.problems().length === 0) problems.push({ where: src.location, what: 'holds no files' });
    return;
  }

  // SHA256SUMS: the plain list any `sha256sum -c` checks; every file but itself must be on it.
  const sumsText = await src.read('SHA256SUMS').then((b) => b.toString('utf8'), () => null);
  const sums = new Map<string, string>();
  if (sumsText === null) problems.push({ where: 'SHA256SUMS', what: present.includes('SHA256SUMS') ? 'cannot be read' : 'missing' });
  else {
    const parsed = parseSums(sumsText);
    for (const n of parsed.bad) problems.push({ where: `SHA256SUMS line ${n}`, what: 'is not "<sha256>  <path>"' });
    for (const l of parsed.lines) {
      sums.set(l.path, l.sha256);
      const h = await src.hash(l.path);
      if (!h) problems.push({ where: l.path, what: `listed in SHA256SUMS (line ${l.line}) but ${present.includes(l.path) ? 'cannot be read' : 'missing'}` });
      else if (h.sha256 !== l.sha256) problems.push({ where: l.path, what: `SHA-256 is ${h.sha256}, SHA256SUMS line ${l.line} says ${l.sha256}` });
    }
    for (const p of present) if (p !== 'SHA256SUMS' && !sums.has(p)) problems.push({ where: p, what: 'is in the package but not in SHA256SUMS' });
  }

  let m: PackageManifest;
  try {
    m = parseManifest((await src.read('manifest.json')).toString('utf8'));
  } catch (e) {
    problems.push({ where: 'manifest.json', what: (e as Error).message.replace(/^manifest\.json: /, '') });
    return;
  }

  // Every file the manifest lists, against the manifest; and nothing unlisted.
  const fileProblems = new Map<string, string>();
  const listed = new Set(m.files.map((f) => f.path));
  for (const f of m.files) {
    const h = await src.hash(f.path);
    const stored = src.fileProblems(f.path);
    let what: string | null = null;
    if (!h) what = stored.length ? `in the zip: ${stored.join('; ')}` : 'missing';
    else if (h.sha256 !== f.sha256) what = `SHA-256 is ${h.sha256}, manifest.json says ${f.sha256}`;
    else if (h.size !== f.size) what = `size is ${h.size} bytes, manifest.json says ${f.size}`;
    else if (stored.length) what = `in the zip: ${stored.join('; ')}`;
    if (what) {
      fileProblems.set(f.path, what);
      problems.push({ where: f.path, what });
    }
  }
  for (const p of present) if (!SELF.has(p) && !listed.has(p)) problems.push({ where: p, what: 'is in the package but not listed in manifest.json' });

  const ledger = await checkLedger(src, m, opts);
  problems.push(...ledger.problems);
  result.instance = { origin: m.instance.origin, verifierKey: ledger.trustedKey, keyFromPackage: ledger.keyFromPackage, tsaCaFromPackage: opts.tsaCaFile === undefined };
  result.checkpoint = { treeSize: ledger.checkpoint.treeSize, signed: ledger.checkpoint.signed };
  result.ledger = {
    entries: ledger.entryLines,
    included: [...ledger.entries.values()].filter((e) => e.included).length,
    earlierCheckpoints: ledger.earlier.length,
    consistent: ledger.earlier.filter((c) => c.ok).length,
    leafProofs: ledger.leafProofs,
  };
  result.timestamps = ledger.timestamps;
  result.items = m.items.map((it) => verifyItem(it, m, ledger, fileProblems));
  if (m.incident) result.incident = { id: m.incident.id, title: m.incident.title, segments: m.incident.segments.length };
  // An incident's package holds every item its segments cite.
  m.incident?.segments.forEach((s, i) => {
    if (!m.items.some((it) => it.id === s.item)) problems.push({ where: 'manifest.json', what: `incident.segments[${i}] cites item ${s.item}, which is not in the package` });
  });
  for (const v of result.items) {
    for (const p of v.problems) if (!problems.some((q) => q.where === p.where && q.what === p.what)) problems.push(p);
  }
}

function verifyItem(it: PackageItem, m: PackageManifest, ledger: LedgerCheck, fileProblems: Map<string, string>): ItemVerdict {
  const problems: Problem[] = [];
  const E = m.ledger.entries;
  const need = (seq: number, what: string): CheckedEntry | null => {
    const e = ledger.entries.get(seq);
    if (!e) {
      problems.push({ where: E, what: `${what}: entry #${seq} is not in the package` });
      return null;
    }
    if (!e.included || !e.entry) {
      problems.push({ where: `${E} line ${e.line} (entry #${seq})`, what: `${what}: ${e.problem ?? 'not proven'}` });
      return null;
    }
    return e;
  };
  const expect = (e: CheckedEntry, field: string, actual: unknown, expected: unknown, what: string) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      problems.push({
        where: `${E} line ${e.line} (entry #${e.seq})`,
        what: `${what}: the ledger says ${field} ${JSON.stringify(actual)}, manifest.json says ${JSON.stringify(expected)}`,
      });
    }
  };

  // The entry that recorded the item names its hash, size, path and status.
  const rec = need(it.ledgerSeq, `item ${it.id}'s ingest record`);
  if (rec?.entry) {
    const d = rec.entry.details;
    const what = `item ${it.id}'s ingest record`;
    expect(rec, 'action', rec.entry.action, it.sha256 ? 'ingested' : 'ingest-problem', what);
    expect(rec, 'item', d.item, it.id, what);
    if (it.sha256 && !rec.entry.subjects.includes(it.sha256)) expect(rec, 'sha256', rec.entry.subjects, [it.sha256], what);
    for (const k of ['path', 'size', 'mtime', 'kind', 'format', 'status', 'reason', 'acquisition', 'parent', 'case'] as const) {
      expect(rec, k, d[k], k === 'parent' ? it.parent : it[k], what);
    }
    const shown = it.parent === null ? it.path : it.path.slice(it.path.lastIndexOf('!/') + 2);
    expect(rec, 'rawPathHex', d.rawPathHex, it.rawPathHex ?? Buffer.from(shown, 'utf8').toString('hex'), what);
  }

  // The original, when shipped.
  if (it.file !== null) {
    if (it.file !== `files/originals/${it.sha256}`) problems.push({ where: it.file, what: `item ${it.id}'s original should be files/originals/${it.sha256}` });
    const fp = fileProblems.get(it.file);
    const listed = m.files.find((f) => f.path === it.file);
    if (fp) problems.push({ where: it.file, what: `item ${it.id}'s original: ${fp}` });
    else if (!listed || listed.sha256 !== it.sha256 || listed.size !== it.size) {
      problems.push({ where: it.file, what: `item ${it.id}'s original does not have the hash and size the ledger recorded` });
    }
  } else if (m.withOriginals && it.sha256) {
    problems.push({ where: 'manifest.json', what: `item ${it.id}: the package was made with originals but names no file for it` });
  }

  // Its acquisition: who, when, with which tool.
  const acq = m.acquisitions.find((a) => a.id === it.acquisition);
  if (!acq) problems.push({ where: 'manifest.json', what: `item ${it.id}: acquisition ${it.acquisition} is not described` });
  else {
    const start = need(acq.ledgerSeq, `acquisition ${acq.id}'s start record`);
    if (start?.entry) {
      const what = `acquisition ${acq.id}'s start record`;
      expect(start, 'action', start.entry.action, 'acquisition-started', what);
      for (const k of ['operator', 'host', 'tool', 'roots', 'kind', 'case'] as const) expect(start, k, start.entry.details[k], acq[k], what);
      expect(start, 'acquisition', start.entry.details.acquisition, acq.id, what);
    }
    if (acq.manifestSha256) {
      const done = [...ledger.entries.values()].find(
        (e) => e.entry?.action === 'acquisition-completed' && e.entry.details.acquisition === acq.id,
      );
      if (!done) problems.push({ where: E, what: `acquisition ${acq.id}'s completion record is not in the package` });
      else if (!done.included) problems.push({ where: `${E} line ${done.line} (entry #${done.seq})`, what: `acquisition ${acq.id}'s completion record: ${done.problem}` });
      else if (!done.entry!.subjects.includes(acq.manifestSha256)) {
        problems.push({ where: `${E} line ${done.line} (entry #${done.seq})`, what: `acquisition ${acq.id}'s manifest hash differs from manifest.json` });
      }
    }
  }

  // Derivatives made from it (and from its derivatives, e.g. the proxy of a salvaged copy).
  const derivs: PackageDerivative[] = [];
  const sources = it.sha256 ? [it.sha256] : [];
  for (let i = 0; i < sources.length; i++) {
    for (const d of m.derivatives) {
      if (d.sourceSha256 === sources[i] && !derivs.includes(d)) {
        derivs.push(d);
        sources.push(d.sha256);
      }
    }
  }
  for (const d of derivs) {
    const what = `item ${it.id}'s ${d.kind} ${d.sha256.slice(0, 12)}…`;
    const fp = fileProblems.get(d.file);
    if (d.file !== `files/derivatives/${d.sha256}`) problems.push({ where: d.file, what: `${what} should be files/derivatives/${d.sha256}` });
    if (fp) problems.push({ where: d.file, what: `${what}: ${fp}` });
    else {
      const listed = m.files.find((f) => f.path === d.file);
      if (!listed || listed.sha256 !== d.sha256 || listed.size !== d.size) problems.push({ where: d.file, what: `${what} does not have the hash and size the ledger recorded` });
    }
    const e = need(d.ledgerSeq, `${what}: its derivative-made record`);
    if (e?.entry) {
      const w = `${what}: its derivative-made record`;
      expect(e, 'action', e.entry.action, 'derivative-made', w);
      expect(e, 'source', e.entry.details.source, d.sourceSha256, w);
      expect(e, 'derivative', e.entry.details.derivative, d.sha256, w);
      expect(e, 'size', e.entry.details.size, d.size, w);
      expect(e, 'kind', e.entry.details.kind, d.kind, w);
      expect(e, 'tool', e.entry.details.tool, d.tool, w);
    }
  }

  // The incident this package was exported for: the ledger recorded each of its segments on this item.
  for (const s of m.incident?.segments.filter((x) => x.item === it.id) ?? []) {
    const what = `incident ${m.incident!.id}'s evidence segment ${s.startSec}–${s.endSec} s of item ${it.id}`;
    const e = need(s.ledgerSeq, what);
    if (e?.entry) {
      expect(e, 'action', e.entry.action, 'incident-evidence-added', what);
      for (const [k, v] of [['incident', m.incident!.id], ['case', m.incident!.case], ['item', it.id], ['startSec', s.startSec], ['endSec', s.endSec]] as const) {
        expect(e, k, e.entry.details[k], v, what);
      }
      if (it.sha256 && !e.entry.subjects.includes(it.sha256)) expect(e, 'subjects', e.entry.subjects, [it.sha256], what);
    }
  }

  // Any other entry about these blobs that does not check out.
  const mine = new Set(sources);
  for (const e of ledger.entries.values()) {
    if (e.included || !e.entry || !e.entry.subjects.some((s) => mine.has(s))) continue;
    const where = `${E} line ${e.line} (entry #${e.seq})`;
    if (!problems.some((p) => p.where === where)) problems.push({ where, what: `an entry about item ${it.id}: ${e.problem}` });
  }
  if (!ledger.checkpoint.signed) problems.push({ where: m.ledger.checkpoint, what: 'no valid signed checkpoint: none of the ledger can be trusted' });

  const covering = ledger.timestamps
    .filter((t) => t.imprint && t.signature !== 'failed' && t.genTime && t.checkpointSize > it.ledgerSeq)
    .map((t) => t.genTime!)
    .sort();
  return {
    id: it.id, path: it.path, sha256: it.sha256, ok: problems.length === 0, problems, timestampedBy: covering[0] ?? null, derivatives: derivs.length,
  };
}
