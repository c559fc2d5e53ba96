import { decodeEntry, leafHash, MerkleTree, openNote, verifyInclusion } from '@custodia/ledger';
import type { Vault } from '../vault.js';
import { sha256File } from './hash-file.js';

export interface FileVerification {
  path: string;
  sha256: string;
  size: number;
  held: boolean;
  firstStoredAt?: string;
  occurrences: {
    item: number;
    case: string;
    acquisition: number;
    acquisitionStartedAt: string;
    operator: string;
    sourceLabel: string | null;
    originalPath: string;
    ledgerSeq: number;
    entryTime: string;
    inclusion: { checkpointId: number; treeSize: number; proof: string[]; verified: boolean } | null;
  }[];
  checkpoint?: { id: number; treeSize: number; note: string; signatureValid: boolean };
}

/**
 * Hashes a file and says whether the vault holds it, since when, from which acquisitions, with the
 * inclusion proof of each "ingested" entry against the latest signed checkpoint.
 */
export async function verifyFile(vault: Vault, path: string): Promise<FileVerification> {
  const { sha256, size } = await sha256File(path);
  const blob = await vault.repo.blob(sha256);
  const result: FileVerification = { path, sha256, size, held: blob !== null, occurrences: [] };
  if (!blob) return result;
  result.firstStoredAt = blob.storedAt.toISOString();
  const latest = await vault.ledger.latestCheckpoint(vault.db);
  let tree: MerkleTree | null = null;
  if (latest) {
    const signatureValid = openNote(latest.note, [vault.instance.verifierKey]).signatures.some((s) => s.verified);
    result.checkpoint = { id: latest.id, treeSize: latest.treeSize, note: latest.note, signatureValid };
    tree = new MerkleTree(await vault.ledger.leafHashes(vault.db));
  }
  const cases = new Map((await vault.repo.listCases()).map((c) => [c.id, c.name]));
  for (const it of await vault.repo.itemsWithBlob(sha256)) {
    const acq = await vault.repo.acquisition(it.acquisitionId);
    const stored = await vault.ledger.entry(vault.db, it.ledgerSeq);
    const entry = stored ? decodeEntry(stored.entry) : null;
    let inclusion: FileVerification['occurrences'][number]['inclusion'] = null;
    if (latest && tree && stored && it.ledgerSeq < latest.treeSize) {
      const proof = tree.inclusionProof(it.ledgerSeq, latest.treeSize);
      inclusion = {
        checkpointId: latest.id,
        treeSize: latest.treeSize,
        proof: proof.map((h) => h.toString('hex')),
        verified: verifyInclusion(leafHash(stored.entry), it.ledgerSeq, latest.treeSize, proof, latest.rootHash),
      };
    }
    result.occurrences.push({
      item: it.id,
      case: cases.get(it.caseId) ?? String(it.caseId),
      acquisition: it.acquisitionId,
      acquisitionStartedAt: acq.startedAt.toISOString(),
      operator: acq.operator,
      sourceLabel: acq.sourceLabel,
      originalPath: it.displayPath,
      ledgerSeq: it.ledgerSeq,
      entryTime: entry?.time ?? '',
      inclusion,
    });
  }
  return result;
}
