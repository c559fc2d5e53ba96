// The ledger part of a court package: the signed checkpoint, every entry's inclusion proof,
// earlier checkpoints' consistency with the final one, and the RFC 3161 timestamp tokens.

import {
  checkTimestampImprint, decodeEntry, leafHash, openCheckpoint, parseTimestampResponse, parseTimestampToken,
  verifyConsistency, verifyInclusion, verifyTimestampWithOpenssl, type LedgerEntry,
} from '@custodia/ledger';
import { parseLeafProof, parseProofLine, type PackageManifest } from './package-format.js';
import { splitLines } from './package-files.js';
import type { PackageSource } from './package-source.js';

export interface Problem {
  /** A file of the package, with a line or entry when that helps, e.g. `ledger/entries.jsonl line 4 (entry #17)`. */
  where: string;
  what: string;
}

export interface CheckedEntry {
  seq: number;
  line: number;
  entry: LedgerEntry | null;
  /** True when the exact bytes of the line are proven to be in the signed checkpoint. */
  included: boolean;
  problem: string | null;
}

export interface VerifiedTimestamp {
  file: string;
  checkpointSize: number;
  tsa: string;
  genTime: string | null;
  imprint: boolean;
  signature: 'verified' | 'failed' | 'skipped';
  detail: string | null;
}

export interface LedgerCheck {
  trustedKey: string;
  keyFromPackage: boolean;
  checkpoint: { treeSize: number; signed: boolean; detail: string | null };
  entries: Map<number, CheckedEntry>;
  entryLines: number;
  earlier: { file: string; treeSize: number; ok: boolean }[];
  /** Entries proven by their leaf hash alone (their text withheld): `manifest.json` `ledger.leafProofs`. */
  leafProofs: { file: string; seq: number; leafHashHex: string; included: boolean }[];
  timestamps: VerifiedTimestamp[];
  problems: Problem[];
}

const hexes = (xs: readonly string[]) => xs.map((x) => Buffer.from(x, 'hex'));

/** Checks everything in `ledger/` and `timestamps/`. Never throws for bad content; reports it. */
export async function checkLedger(
  src: PackageSource,
  m: PackageManifest,
  opts: { verifierKey?: string; openssl?: string | false; tsaCaFile?: string },
): Promise<LedgerCheck> {
  const problems: Problem[] = [];
  const L = m.ledger;
  const shippedKey = (await src.read(L.verifierKey).catch(() => null))?.toString('utf8').trim() ?? null;
  if (shippedKey === null) problems.push({ where: L.verifierKey, what: 'missing' });
  else if (shippedKey !== m.instance.verifierKey) {
    problems.push({ where: L.verifierKey, what: 'differs from the verifier key named in manifest.json' });
  }
  const trustedKey = opts.verifierKey ?? shippedKey ?? m.instance.verifierKey;
  if (opts.verifierKey !== undefined && opts.verifierKey !== m.instance.verifierKey) {
    problems.push({ where: 'manifest.json', what: 'the package names another verifier key than the one given with --key' });
  }

  // The final checkpoint: everything else is proven against it.
  const checkpoint = { treeSize: L.treeSize, signed: false, detail: null as string | null };
  let root: Buffer | null = null;
  const cpBytes = await src.read(L.checkpoint).catch(() => null);
  if (cpBytes === null) {
    checkpoint.detail = 'missing';
  } else {
    try {
      const { checkpoint: cp } = openCheckpoint(cpBytes, [trustedKey], { origin: m.instance.origin });
      if (cp.size !== L.treeSize) throw new Error(`its tree size is ${cp.size}, manifest.json says ${L.treeSize}`);
      if (cp.rootHash.toString('hex') !== L.rootHashHex) throw new Error('its root hash differs from the one in manifest.json');
      root = cp.rootHash;
      checkpoint.signed = true;
    } catch (e) {
      checkpoint.detail = (e as Error).message;
    }
  }
  if (!checkpoint.signed) problems.push({ where: L.checkpoint, what: `not a valid signed checkpoint of this instance: ${checkpoint.detail}` });

  // Entries: each line's exact bytes, its leaf hash, and its inclusion proof (same line of proofs.jsonl).
  const entries = new Map<number, CheckedEntry>();
  const entryBytes = await src.read(L.entries).catch(() => null);
  const proofBytes = await src.read(L.proofs).catch(() => null);
  let entryLines = 0;
  if (entryBytes === null || proofBytes === null) {
    problems.push({ where: entryBytes === null ? L.entries : L.proofs, what: 'missing' });
  } else {
    const el = splitLines(entryBytes);
    const pl = splitLines(proofBytes);
    entryLines = el.lines.length;
    if (!el.endsWithNewline) problems.push({ where: L.entries, what: 'does not end with a newline' });
    if (el.lines.length !== pl.lines.length) {
      problems.push({ where: L.proofs, what: `has ${pl.lines.length} lines for ${el.lines.length} entries` });
    }
    if (el.lines.length !== L.entryCount) {
      problems.push({ where: L.entries, what: `has ${el.lines.length} lines, manifest.json says ${L.entryCount}` });
    }
    el.lines.forEach((bytes, i) => {
      const line = i + 1;
      let seq = -1;
      let problem: string | null = null;
      let entry: LedgerEntry | null = null;
      let included = false;
      try {
        const p = parseProofLine(pl.lines[i]?.toString('utf8') ?? '');
        seq = p.seq;
        const leaf = leafHash(bytes);
        if (leaf.toString('hex') !== p.leafHashHex) problem = 'its leaf hash differs from the one its proof was made for (the entry was changed)';
        else if (!root) problem = 'cannot be checked: the checkpoint is not validly signed';
        else if (!verifyInclusion(leaf, p.seq, L.treeSize, hexes(p.proof), root)) problem = `its inclusion proof does not lead to the signed root`;
        else included = true;
      } catch (e) {
        problem = `${L.proofs} line ${line}: ${(e as Error).message}`;
      }
      try {
        entry = decodeEntry(bytes);
        if (seq >= 0 && entry.seq !== seq) problem ??= `the entry says it is #${entry.seq}, its proof is for #${seq}`;
        if (seq < 0) seq = entry.seq;
      } catch (e) {
        problem ??= (e as Error).message;
        included = false;
      }
      if (problem) {
        included = false;
        problems.push({ where: `${L.entries} line ${line}${seq >= 0 ? ` (entry #${seq})` : ''}`, what: problem });
      }
      if (seq >= 0 && !entries.has(seq)) entries.set(seq, { seq, line, entry, included, problem });
    });
  }

  // Earlier checkpoints: signed by the same key, and a prefix of the final tree.
  const earlier: LedgerCheck['earlier'] = [];
  const signedNotes = new Map<string, { size: number; bytes: Buffer }>();
  if (cpBytes && checkpoint.signed) signedNotes.set(L.checkpoint, { size: L.treeSize, bytes: cpBytes });
  for (const c of L.earlierCheckpoints) {
    let ok = false;
    try {
      const bytes = await src.read(c.file);
      const { checkpoint: cp } = openCheckpoint(bytes, [trustedKey], { origin: m.instance.origin });
      if (cp.size !== c.treeSize) throw new Error(`its tree size is ${cp.size}, manifest.json says ${c.treeSize}`);
      if (!root) throw new Error('cannot be checked: the final checkpoint is not validly signed');
      if (!verifyConsistency(cp.size, L.treeSize, hexes(c.consistencyProof), cp.rootHash, root)) {
        throw new Error(`its consistency proof to the final checkpoint (size ${L.treeSize}) fails: the ledger was rewritten, or the proof changed`);
      }
      ok = true;
      signedNotes.set(c.file, { size: cp.size, bytes });
    } catch (e) {
      problems.push({ where: c.file, what: (e as Error).message });
    }
    earlier.push({ file: c.file, treeSize: c.treeSize, ok });
  }

  // Entries whose text is withheld: their leaf hash is proven in the checkpoint, and a shipped entry naming one agrees.
  const leafProofs: LedgerCheck['leafProofs'] = [];
  for (const file of L.leafProofs ?? []) {
    try {
      const p = parseLeafProof((await src.read(file)).toString('utf8'), file);
      const row = { file, seq: p.seq, leafHashHex: p.leafHashHex, included: false };
      leafProofs.push(row);
      if (p.treeSize !== L.treeSize || p.rootHashHex !== L.rootHashHex) throw new Error(`its proof is for tree size ${p.treeSize}, not the checkpoint's ${L.treeSize} and root`);
      if (!root) throw new Error('cannot be checked: the checkpoint is not validly signed');
      if (!verifyInclusion(Buffer.from(p.leafHashHex, 'hex'), p.seq, L.treeSize, hexes(p.inclusionProof), root)) {
        throw new Error(`the inclusion proof of entry #${p.seq}'s leaf hash does not lead to the signed root`);
      }
      row.included = true;
    } catch (e) {
      const msg = (e as Error).message;
      problems.push({ where: file, what: msg.startsWith(`${file}: `) ? msg.slice(file.length + 2) : msg });
    }
  }
  if (L.leafProofs?.length) {
    for (const e of entries.values()) {
      const named = e.entry?.details.render as { seq?: unknown; leafHashHex?: unknown } | null | undefined;
      if (!e.included || !named || typeof named !== 'object') continue;
      const proven = leafProofs.find((x) => x.seq === named.seq);
      if (!proven || proven.leafHashHex !== named.leafHashHex) {
        problems.push({
          where: `${L.entries} line ${e.line} (entry #${e.seq})`,
          what: `names entry #${String(named.seq)} with leaf hash ${String(named.leafHashHex)}, which ${proven ? `differs from the one proven in ${proven.file}` : 'no leaf proof of the package proves'}`,
        });
      }
    }
  }

  const timestamps = await checkTimestamps(src, m, signedNotes, opts.openssl, opts.tsaCaFile, problems);
  return { trustedKey, keyFromPackage: opts.verifierKey === undefined, checkpoint, entries, entryLines, earlier, leafProofs, timestamps, problems };
}

async function checkTimestamps(
  src: PackageSource,
  m: PackageManifest,
  signedNotes: Map<string, { size: number; bytes: Buffer }>,
  openssl: string | false | undefined,
  trustedCa: string | undefined,
  problems: Problem[],
): Promise<VerifiedTimestamp[]> {
  const out: VerifiedTimestamp[] = [];
  const shippedCa = m.ledger.tsaCaFile;
  let caFile: string | null = trustedCa ?? null;
  let opensslMissing = openssl === false;
  for (const t of m.ledger.timestamps) {
    const v: VerifiedTimestamp = { file: t.file, checkpointSize: -1, tsa: t.tsa, genTime: null, imprint: false, signature: 'skipped', detail: null };
    out.push(v);
    const note = signedNotes.get(t.checkpoint);
    try {
      if (!note) throw new Error(`timestamps ${t.checkpoint}, which is not a verified checkpoint of this package`);
      v.checkpointSize = note.size;
      const response = await src.read(t.file);
      const parsed = parseTimestampResponse(response);
      if (parsed.status > 1 || !parsed.token) throw new Error(`the TSA's answer is not a granted timestamp (${parsed.statusName})`);
      const info = parseTimestampToken(parsed.token);
      v.genTime = info.genTime.toISOString();
      if (!checkTimestampImprint(parsed.token, note.bytes)) throw new Error(`its message imprint is not the SHA-256 of ${t.checkpoint}`);
      v.imprint = true;
      if (!caFile && shippedCa && !opensslMissing) caFile = await src.pathOf(shippedCa);
      if (!caFile) {
        v.detail = 'no TSA CA certificate in the package: the TSA signature was not checked';
      } else if (opensslMissing) {
        v.detail = `openssl not available: check with "openssl ts -verify -data ${t.checkpoint} -in ${t.file} -CAfile ${m.ledger.tsaCaFile}"`;
      } else {
        try {
          const r = await verifyTimestampWithOpenssl({ data: note.bytes, response, caFile, ...(openssl ? { opensslPath: openssl } : {}) });
          v.signature = r.ok ? 'verified' : 'failed';
          if (!r.ok) throw new Error(`openssl ts -verify refused it: ${r.output.split('\n').slice(-2).join(' ')}`);
        } catch (e) {
          if (/not found/.test((e as Error).message) && v.signature === 'skipped') {
            opensslMissing = true;
            v.detail = `openssl not available: check with "openssl ts -verify -data ${t.checkpoint} -in ${t.file} -CAfile ${m.ledger.tsaCaFile}"`;
          } else throw e;
        }
      }
    } catch (e) {
      if (v.signature === 'skipped' && !v.detail) v.signature = 'failed';
      v.detail = (e as Error).message;
      problems.push({ where: t.file, what: v.detail });
    }
  }
  return out;
}
