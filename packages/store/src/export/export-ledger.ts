import { integrity } from '@custodia/core';
import { MerkleTree, encodeInteger, encodeSequence, leafHash, parseCheckpoint } from '@custodia/ledger';
import type { PackageCheckpoint, PackageTimestamp } from '@custodia/verify';
import { tokensOf } from '../ledger/anchor.js';
import type { StoredCheckpoint } from '../repo/pg-ledger.repo.js';
import type { Vault } from '../vault.js';

/** One file of the package's ledger/ and timestamps/ folders, before it is written. */
export interface LedgerFile {
  path: string;
  bytes: Buffer;
}

export interface PackageLedger {
  files: LedgerFile[];
  entryCount: number;
  treeSize: number;
  rootHashHex: string;
  earlierCheckpoints: PackageCheckpoint[];
  timestamps: PackageTimestamp[];
  /** Parsed entries (for the report), by seq. */
  entries: Map<number, { time: string; actor: string; action: string; subjects: string[]; details: Record<string, unknown> }>;
}

export interface LedgerSelection {
  seqs: number[];
  subjects: string[];
  acquisitions: number[];
  cases: number[];
}

/**
 * The ledger part of a package: every entry that concerns the exported blobs, their items,
 * acquisitions and cases, byte-exact as stored, each with its inclusion proof against `final`;
 * the earlier checkpoints that first covered them (with consistency proofs to `final`); and
 * every RFC 3161 token of those checkpoints, as a TimeStampResp `openssl ts -verify -in` reads.
 */
export async function packageLedger(vault: Vault, final: StoredCheckpoint, sel: LedgerSelection): Promise<PackageLedger> {
  const n = final.treeSize;
  const rows = await vault.db.query<{ seq: number; entry: string }>(
    `SELECT seq, entry FROM ledger_entries
      WHERE seq < $5 AND (seq = ANY($1::bigint[])
         OR (entry::jsonb -> 'subjects') ?| $2::text[]
         OR (action IN ('acquisition-started', 'acquisition-completed') AND (entry::jsonb #>> '{details,acquisition}')::bigint = ANY($3::bigint[]))
         OR (action = 'case-created' AND (entry::jsonb #>> '{details,case}')::bigint = ANY($4::bigint[])))
      ORDER BY seq`,
    [sel.seqs, sel.subjects, sel.acquisitions, sel.cases, n],
  );
  const leaves = await vault.ledger.leafHashes(vault.db);
  if (leaves.length < n) throw integrity(`the ledger holds ${leaves.length} entries but checkpoint ${final.id} covers ${n}`);
  const tree = new MerkleTree(leaves.slice(0, n));
  if (!tree.root().equals(final.rootHash)) {
    throw integrity(`the stored ledger does not reproduce checkpoint ${final.id}'s root: run "custodia ledger verify"`);
  }

  const entryLines: string[] = [];
  const proofLines: string[] = [];
  const entries: PackageLedger['entries'] = new Map();
  for (const r of rows.rows) {
    const seq = Number(r.seq);
    const bytes = Buffer.from(r.entry, 'utf8');
    const leaf = tree.leafHash(seq);
    if (!leafHash(bytes).equals(leaf)) throw integrity(`ledger entry #${seq} does not match its stored leaf hash: run "custodia ledger verify"`);
    entryLines.push(r.entry);
    proofLines.push(JSON.stringify({ leafHashHex: leaf.toString('hex'), proof: tree.inclusionProof(seq, n).map((h) => h.toString('hex')), seq }));
    entries.set(seq, JSON.parse(r.entry));
  }

  // Earlier checkpoints: for each entry, the first that covered it, and the first timestamped one.
  const all = (await vault.ledger.checkpoints(vault.db)).filter((c) => c.treeSize <= n && c.treeSize > 0);
  const tokens = await tokensOf(vault.db);
  const stamped = new Set(tokens.map((t) => t.checkpointId));
  const chosen = new Map<number, StoredCheckpoint>();
  for (const seq of entries.keys()) {
    const first = all.find((c) => c.treeSize > seq);
    const firstStamped = all.find((c) => c.treeSize > seq && stamped.has(c.id));
    for (const c of [first, firstStamped]) if (c && c.treeSize < n && !chosen.has(c.treeSize)) chosen.set(c.treeSize, c);
  }
  const files: LedgerFile[] = [
    { path: 'ledger/checkpoint.txt', bytes: Buffer.from(final.note, 'utf8') },
    { path: 'ledger/verifier.key', bytes: Buffer.from(vault.instance.verifierKey + '\n', 'utf8') },
    { path: 'ledger/entries.jsonl', bytes: Buffer.from(entryLines.map((l) => l + '\n').join(''), 'utf8') },
    { path: 'ledger/proofs.jsonl', bytes: Buffer.from(proofLines.map((l) => l + '\n').join(''), 'utf8') },
  ];
  const earlierCheckpoints: PackageCheckpoint[] = [];
  const noteFile = new Map<number, string>([[final.id, 'ledger/checkpoint.txt']]);
  for (const c of [...chosen.values()].sort((a, b) => a.treeSize - b.treeSize)) {
    const path = `ledger/checkpoints/${String(c.treeSize).padStart(8, '0')}.txt`;
    if (!tree.root(c.treeSize).equals(parseCheckpoint(c.note.slice(0, c.note.lastIndexOf('\n\n') + 1)).rootHash)) {
      throw integrity(`checkpoint ${c.id} (size ${c.treeSize}) does not match the stored ledger: run "custodia ledger verify"`);
    }
    files.push({ path, bytes: Buffer.from(c.note, 'utf8') });
    earlierCheckpoints.push({ file: path, treeSize: c.treeSize, consistencyProof: tree.consistencyProof(c.treeSize, n).map((h) => h.toString('hex')) });
    noteFile.set(c.id, path);
  }

  const timestamps: PackageTimestamp[] = [];
  const perCheckpoint = new Map<number, number>();
  for (const t of tokens) {
    const cpFile = noteFile.get(t.checkpointId);
    if (!cpFile) continue;
    const k = (perCheckpoint.get(t.checkpointId) ?? 0) + 1;
    perCheckpoint.set(t.checkpointId, k);
    const size = t.checkpointId === final.id ? n : [...chosen.values()].find((c) => c.id === t.checkpointId)!.treeSize;
    const path = `timestamps/${String(size).padStart(8, '0')}-${k}.tsr`;
    // A granted TimeStampResp around the stored token, so `openssl ts -verify -in x.tsr` reads it as is.
    const response = encodeSequence(encodeSequence(encodeInteger(0)), t.token);
    files.push({ path, bytes: response });
    timestamps.push({ file: path, checkpoint: cpFile, tsa: t.tsaUrl, genTime: t.genTime.toISOString() });
  }
  return { files, entryCount: entryLines.length, treeSize: n, rootHashHex: final.rootHash.toString('hex'), earlierCheckpoints, timestamps, entries };
}
