import { createHash } from 'node:crypto';
import {
  canonicalJson,
  checkTimestampImprint,
  decodeEntry,
  leafHash,
  MerkleTree,
  openNote,
  parseCheckpoint,
  verifyConsistency,
  verifyTimestampWithOpenssl,
} from '@custodia/ledger';
import type { Vault } from '../vault.js';
import { itemLedgerDetails, toItem, type ItemRow } from '../repo/pg-vault.repo.js';
import { tokensOf } from '../ledger/anchor.js';
import { verifyDocumentation } from '../documentation/documentation-verify.js';

export interface LedgerProblem {
  /** Where: "ledger entry #17", "item 42 (cam3/a.mp4)", "checkpoint 3 (size 120)", "timestamp token 2". */
  where: string;
  problem: string;
}

export interface LedgerVerification {
  ok: boolean;
  entries: number;
  checkpoints: number;
  latestCheckpointSize: number;
  /** Entries after the latest checkpoint: valid, but not yet covered by a signature. */
  uncovered: number;
  items: number;
  timestampTokens: { checked: number; verifiedWithOpenssl: number };
  problems: LedgerProblem[];
  verifierKey: string;
}

/**
 * Recomputes the whole Merkle tree from the stored entries and checks every checkpoint (signature,
 * origin, size, root, consistency with the previous one), every timestamp token, and that the
 * evidence records in the database (items, blobs, acquisitions) are exactly what the ledger says.
 */
export async function verifyLedger(
  vault: Vault,
  opts: { trustedVerifierKey?: string; tsaCaFile?: string; onProgress?: (done: number, total: number) => void } = {},
): Promise<LedgerVerification> {
  const problems: LedgerProblem[] = [];
  const { db, ledger, instance } = vault;
  const vkey = opts.trustedVerifierKey ?? instance.verifierKey;
  if (opts.trustedVerifierKey && opts.trustedVerifierKey !== instance.verifierKey) {
    problems.push({
      where: 'instance key',
      problem: 'the database names a different instance key than the one you trust: checkpoints are checked against yours',
    });
  }

  const checkpoints = await ledger.checkpoints(db);
  const bySize = new Map<number, typeof checkpoints>();
  for (const cp of checkpoints) {
    try {
      const opened = openNote(cp.note, [vkey]);
      if (!opened.signatures.some((s) => s.verified)) {
        problems.push({ where: `checkpoint ${cp.id} (size ${cp.treeSize})`, problem: 'no valid signature by the instance key' });
      }
      const parsed = parseCheckpoint(opened.text);
      if (parsed.origin !== instance.origin) {
        problems.push({ where: `checkpoint ${cp.id}`, problem: `origin "${parsed.origin}" is not this instance's ("${instance.origin}")` });
      }
      if (parsed.size !== cp.treeSize || !parsed.rootHash.equals(cp.rootHash)) {
        problems.push({ where: `checkpoint ${cp.id}`, problem: 'the signed note does not match the stored size/root columns' });
      }
    } catch (e) {
      problems.push({ where: `checkpoint ${cp.id} (size ${cp.treeSize})`, problem: `unreadable signed note: ${(e as Error).message}` });
    }
    const list = bySize.get(cp.treeSize) ?? [];
    list.push(cp);
    bySize.set(cp.treeSize, list);
  }

  const total = await ledger.size(db);
  const tree = new MerkleTree();
  // What the ledger says of each item and acquisition, as a digest of the canonical details.
  const itemClaims = new Map<number, { seq: number; digest: string; sha256: string | null }>();
  const manifestClaims = new Map<number, string>();
  const startedClaims = new Map<number, number>();
  let expected = 0;
  let lastCheckedSize = 0;
  /** Names the entries of [from, to) whose bytes no longer hash to the leaf hash stored when they were appended. */
  const pinpoint = async (from: number, to: number) => {
    const named: number[] = [];
    for (const row of await ledger.leafHashRange(db, from, to)) {
      if (row.seq < tree.size && !tree.leafHash(row.seq).equals(row.leafHash)) {
        named.push(row.seq);
        problems.push({ where: `ledger entry #${row.seq}`, problem: 'its bytes do not match its stored leaf hash: the entry was altered' });
      }
    }
    return named.length;
  };
  const checkRootsAt = async (size: number) => {
    const list = bySize.get(size);
    if (!list) return;
    for (const cp of list) {
      if (!tree.root(size).equals(cp.rootHash)) {
        const named = await pinpoint(lastCheckedSize, size);
        problems.push({
          where: `checkpoint ${cp.id} (size ${size})`,
          problem:
            `root does not match the entries: an entry between #${lastCheckedSize} and #${size - 1} was altered, removed or reordered` +
            (named ? '' : ' (each one still matches its stored leaf hash: both were rewritten)'),
        });
      }
    }
    lastCheckedSize = size;
  };
  await checkRootsAt(0);
  // Only entries that the cross-checks below need are decoded; every entry is hashed. Canonical JSON
  // puts "action" first, so the prefix says which ones matter without parsing the rest.
  const relevant = /^\{"action":"(ingested|ingest-problem|acquisition-started|acquisition-completed)"/;
  for await (const batch of ledger.entryTexts(db)) {
    for (const row of batch) {
      if (row.seq !== expected) {
        problems.push({ where: `ledger entry #${expected}`, problem: `missing (next stored entry is #${row.seq})` });
        expected = row.seq;
      }
      tree.append(leafHash(row.text));
      if (relevant.test(row.text)) {
        try {
          const e = decodeEntry(Buffer.from(row.text, 'utf8'));
          if (e.seq !== row.seq) problems.push({ where: `ledger entry #${row.seq}`, problem: `says it is entry #${e.seq}` });
          const d = e.details;
          if ((e.action === 'ingested' || e.action === 'ingest-problem') && typeof d.item === 'number') {
            itemClaims.set(d.item, { seq: row.seq, digest: digest(d), sha256: e.subjects[0] ?? null });
          } else if (e.action === 'acquisition-completed' && typeof d.acquisition === 'number') {
            manifestClaims.set(d.acquisition, e.subjects[0] ?? '');
          } else if (e.action === 'acquisition-started' && typeof d.acquisition === 'number') {
            startedClaims.set(d.acquisition, row.seq);
          }
        } catch (err) {
          problems.push({ where: `ledger entry #${row.seq}`, problem: `not a valid entry: ${(err as Error).message}` });
        }
      }
      expected += 1;
      await checkRootsAt(expected);
    }
    opts.onProgress?.(expected, total);
  }
  // Entries after the latest checkpoint are covered by no signature yet: check them against the
  // leaf hashes and the head's compact range stored with each append.
  if (lastCheckedSize < expected) await pinpoint(lastCheckedSize, expected);
  const headRoot = await ledger.headRoot(db);
  if (expected === total && !headRoot.equals(tree.root(expected))) {
    problems.push({ where: 'ledger head', problem: 'its stored compact range does not match the entries' });
  }
  if (expected !== total) {
    problems.push({ where: 'ledger head', problem: `the head says ${total} entries but ${expected} are stored` });
  }
  for (const cp of checkpoints) {
    if (cp.treeSize > expected) {
      problems.push({ where: `checkpoint ${cp.id} (size ${cp.treeSize})`, problem: `covers ${cp.treeSize} entries but only ${expected} exist: entries were removed` });
    }
  }

  // Consecutive checkpoints must be consistent: the later tree extends the earlier one.
  const sizes = [...bySize.keys()].filter((s) => s <= expected).sort((a, b) => a - b);
  for (let i = 1; i < sizes.length; i++) {
    const m = sizes[i - 1]!;
    const n = sizes[i]!;
    if (m === 0) continue;
    const a = bySize.get(m)![0]!;
    const b = bySize.get(n)![0]!;
    if (!verifyConsistency(m, n, tree.consistencyProof(m, n), a.rootHash, b.rootHash)) {
      problems.push({ where: `checkpoints ${a.id} → ${b.id}`, problem: `no consistency proof from size ${m} to ${n}: history was rewritten` });
    }
  }

  // The database's evidence records must be what the ledger recorded.
  let itemCount = 0;
  const seenItems = new Set<number>();
  for (let after = 0; ; ) {
    const r = await db.query<ItemRow>('SELECT * FROM items WHERE id > $1 ORDER BY id LIMIT 5000', [after]);
    if (r.rows.length === 0) break;
    for (const row of r.rows) {
      const it = toItem(row);
      itemCount += 1;
      seenItems.add(it.id);
      const claim = itemClaims.get(it.id);
      const where = `item ${it.id} (${it.displayPath})`;
      if (!claim) {
        problems.push({ where, problem: 'has no ledger entry: it was added to the database outside Custodia' });
      } else if (claim.seq !== it.ledgerSeq) {
        problems.push({ where, problem: `points at ledger entry #${it.ledgerSeq} but was recorded by #${claim.seq}` });
      } else if (claim.sha256 !== it.sha256) {
        problems.push({ where, problem: `its SHA-256 reference ${it.sha256 ?? '(none)'} differs from ${claim.sha256 ?? '(none)'} recorded in ledger entry #${claim.seq}` });
      } else if (claim.digest !== digest(itemLedgerDetails(it.id, it))) {
        problems.push({ where, problem: `its ${await differingFields(vault, claim.seq, it)} differ(s) from ledger entry #${claim.seq}` });
      }
      after = it.id;
    }
  }
  for (const [id] of itemClaims) {
    if (!seenItems.has(id)) problems.push({ where: `item ${id}`, problem: 'recorded in the ledger but missing from the database' });
  }
  const sizeMismatch = await db.query<{ id: number; display_path: string; size: number; blob_size: number }>(
    'SELECT i.id, i.display_path, i.size, b.size AS blob_size FROM items i JOIN blobs b ON b.sha256 = i.sha256 WHERE i.size <> b.size',
  );
  for (const row of sizeMismatch.rows) {
    problems.push({ where: `item ${row.id} (${row.display_path})`, problem: `size ${row.size} but its blob record says ${row.blob_size}` });
  }
  const acqs = await db.query<{ id: number; manifest_sha256: string | null; ledger_seq: number }>(
    'SELECT id, manifest_sha256, ledger_seq FROM acquisitions ORDER BY id',
  );
  for (const a of acqs.rows) {
    if (startedClaims.get(a.id) !== a.ledger_seq) {
      problems.push({ where: `acquisition ${a.id}`, problem: 'its start is not the ledger entry it points at' });
    }
    const claimed = manifestClaims.get(a.id);
    if ((claimed ?? null) !== a.manifest_sha256) {
      problems.push({ where: `acquisition ${a.id}`, problem: `manifest hash ${a.manifest_sha256 ?? '(none)'} differs from the ledger's ${claimed ?? '(none)'}` });
    }
  }

  // Documentation (annotation versions, incident reviews) against the entries that recorded it.
  problems.push(...(await verifyDocumentation(db)));

  // Timestamp tokens: the imprint must be the checkpoint; with a CA file, the TSA's signature too.
  const tokens = await tokensOf(db);
  let verifiedWithOpenssl = 0;
  const caFile = opts.tsaCaFile ?? vault.config.tsaCaFile;
  for (const t of tokens) {
    const cp = checkpoints.find((c) => c.id === t.checkpointId);
    const where = `timestamp token ${t.id} (${t.tsaUrl})`;
    if (!cp) {
      problems.push({ where, problem: `its checkpoint ${t.checkpointId} is missing` });
      continue;
    }
    const data = Buffer.from(cp.note, 'utf8');
    if (!checkTimestampImprint(t.token, data)) {
      problems.push({ where, problem: `does not timestamp checkpoint ${cp.id} (imprint mismatch)` });
      continue;
    }
    if (caFile) {
      const r = await verifyTimestampWithOpenssl({ data, token: t.token, caFile });
      if (r.ok) verifiedWithOpenssl += 1;
      else problems.push({ where, problem: `openssl ts -verify failed: ${r.output.trim().split('\n').pop() ?? ''}` });
    }
  }

  const latest = checkpoints.length ? Math.max(...checkpoints.map((c) => c.treeSize)) : 0;
  return {
    ok: problems.length === 0,
    entries: expected,
    checkpoints: checkpoints.length,
    latestCheckpointSize: latest,
    uncovered: Math.max(0, expected - latest),
    items: itemCount,
    timestampTokens: { checked: tokens.length, verifiedWithOpenssl },
    problems,
    verifierKey: vkey,
  };
}

function digest(details: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(details)).digest('hex');
}

async function differingFields(vault: Vault, seq: number, it: ReturnType<typeof toItem>): Promise<string> {
  const stored = await vault.ledger.entry(vault.db, seq);
  if (!stored) return 'record';
  const claimed = decodeEntry(stored.entry).details;
  const actual = itemLedgerDetails(it.id, it);
  const fields = Object.keys(actual).filter((k) => canonicalJson(actual[k] ?? null) !== canonicalJson(claimed[k] ?? null));
  return fields.length ? fields.join(', ') : 'record';
}
