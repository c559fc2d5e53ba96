import { createHash } from 'node:crypto';
import type { PackageFile, PackageManifest } from '@custodia/verify';
import { COURT_PACKAGE_FORMAT } from '../export/court-export.use-case.js';
import type { PackageLedger } from '../export/export-ledger.js';
import type { Vault } from '../vault.js';
import type { PublicVideo } from './site-content.js';

/** The ledger action of a publication statement; its actor is `publication`, never a person. */
export const STATEMENT_ACTION = 'publication-statement';
export const STATEMENT_ACTOR = 'publication';

export interface SiteFile {
  path: string;
  bytes: Buffer;
}

/** One proof line of proofs.jsonl, by seq. */
interface ProofLine {
  seq: number;
  leafHashHex: string;
  proof: string[];
  line: string;
}

/** Splits a package ledger's entries and proofs by seq, so that each video's folder carries only its own. */
export function ledgerLines(ledger: PackageLedger): { entries: Map<number, string>; proofs: Map<number, ProofLine> } {
  const text = (p: string) => ledger.files.find((f) => f.path === p)!.bytes.toString('utf8').split('\n').filter(Boolean);
  const entries = new Map<number, string>();
  for (const line of text('ledger/entries.jsonl')) entries.set((JSON.parse(line) as { seq: number }).seq, line);
  const proofs = new Map<number, ProofLine>();
  for (const line of text('ledger/proofs.jsonl')) {
    const p = JSON.parse(line) as Omit<ProofLine, 'line'>;
    proofs.set(p.seq, { ...p, line });
  }
  return { entries, proofs };
}

/**
 * A published video's verification folder: a court package (docs/adr/0016) holding only the
 * publication statement's ledger entry with its inclusion proof, the signed checkpoint, earlier
 * checkpoints and timestamps, the render entry's inclusion proof (render-entry.json: its text names
 * staff and stays inside), a plain-language statement.txt, manifest.json and SHA256SUMS. The
 * offline verifier checks it like any court package: `node verify.js <folder>`.
 */
export function verificationFolder(
  vault: Vault,
  ledger: PackageLedger,
  lines: ReturnType<typeof ledgerLines>,
  a: { video: PublicVideo; videoFile: string; incidentId: number; statementSeq: number; toolVersion: string; createdAt: string },
): SiteFile[] {
  const v = a.video;
  const out: SiteFile[] = [];
  const add = (path: string, bytes: Buffer) => out.push({ path, bytes });
  const stmtProof = lines.proofs.get(a.statementSeq)!;
  add('ledger/entries.jsonl', Buffer.from(lines.entries.get(a.statementSeq)! + '\n', 'utf8'));
  add('ledger/proofs.jsonl', Buffer.from(stmtProof.line + '\n', 'utf8'));
  // Timestamp tokens stay in court packages: checking them needs the TSA's certificate, which a site visitor has no way to obtain.
  for (const f of ledger.files) if (f.path !== 'ledger/entries.jsonl' && f.path !== 'ledger/proofs.jsonl' && !f.path.startsWith('timestamps/')) add(f.path, f.bytes);
  const render = v.renderSeq === null ? null : lines.proofs.get(v.renderSeq) ?? null;
  if (render) {
    const body = {
      seq: render.seq, leafHashHex: render.leafHashHex, treeSize: ledger.treeSize, rootHashHex: ledger.rootHashHex, inclusionProof: render.proof,
      about: 'The ledger entry that recorded the render of the redacted video. Its text names the staff who made it and is kept by the organisation; this is the RFC 9162 inclusion proof of its leaf hash in ledger/checkpoint.txt.',
    };
    add('render-entry.json', Buffer.from(JSON.stringify(body, null, 2) + '\n', 'utf8'));
  }
  add('statement.txt', Buffer.from(statementText(vault, ledger, a, render), 'utf8'));

  const files: PackageFile[] = out
    .map((f) => ({ path: f.path, sha256: createHash('sha256').update(f.bytes).digest('hex'), size: f.bytes.length }))
    .sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  const manifest: PackageManifest = {
    format: COURT_PACKAGE_FORMAT,
    createdAt: a.createdAt,
    createdBy: { operator: STATEMENT_ACTOR, host: 'public-site', tool: `custodia ${a.toolVersion}` },
    scope: { kind: 'incident', value: String(a.incidentId) },
    withOriginals: false,
    instance: { id: vault.instance.id, origin: vault.instance.origin, verifierKey: vault.instance.verifierKey, publicKeyHex: vault.instance.publicKey.toString('hex') },
    cases: [],
    items: [],
    acquisitions: [],
    derivatives: [],
    ledger: {
      checkpoint: 'ledger/checkpoint.txt', verifierKey: 'ledger/verifier.key', entries: 'ledger/entries.jsonl', proofs: 'ledger/proofs.jsonl',
      treeSize: ledger.treeSize, rootHashHex: ledger.rootHashHex, entryCount: 1,
      earlierCheckpoints: ledger.earlierCheckpoints, timestamps: [], tsaCaFile: null,
      ...(render ? { leafProofs: ['render-entry.json'] } : {}),
    },
    files,
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
  out.push({ path: 'manifest.json', bytes: manifestBytes });
  const sums = [...files, { path: 'manifest.json', sha256: createHash('sha256').update(manifestBytes).digest('hex'), size: 0 }]
    .sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.path}\n`)
    .join('');
  out.push({ path: 'SHA256SUMS', bytes: Buffer.from(sums, 'utf8') });
  return out;
}

function statementText(
  vault: Vault,
  ledger: PackageLedger,
  a: { video: PublicVideo; videoFile: string; statementSeq: number },
  render: ProofLine | null,
): string {
  const v = a.video;
  return `PUBLICATION STATEMENT

The video ${a.videoFile} on this site is a redacted copy of a recording held by the organisation.

  Redacted video (this file)   SHA-256 ${v.derivativeSha256}  (${v.size} bytes)
  Rendered from                SHA-256 ${v.sourceSha256}
  Original recording           SHA-256 ${v.originalSha256}
  Redaction recipe             SHA-256 ${v.recipeSha256}

The organisation's custody ledger records this as entry #${a.statementSeq} (ledger/entries.jsonl, with its
inclusion proof in ledger/proofs.jsonl). The ledger's state was signed in ledger/checkpoint.txt:
tree size ${ledger.treeSize}, root hash ${ledger.rootHashHex},
signed with the verifier key ${vault.instance.verifierKey}
${render ? `
The render itself was recorded when it was made, as ledger entry #${render.seq} (leaf hash
${render.leafHashHex}). That entry names staff and is kept by the organisation; its inclusion
proof against the same checkpoint is in render-entry.json, and the statement names that leaf hash.
` : ''}
HOW TO CHECK

1. The file: from the site's folder run
     sha256sum ${a.videoFile}
   It must print ${v.derivativeSha256}.

2. The ledger: with Node.js, from the site's folder run
     node verification/verify.js verification/${v.derivativeSha256} --key "<verifier key>"
   using the verifier key the organisation publishes (compare it with the one above). It checks
   this folder's files, the checkpoint's Ed25519 signature and the statement's inclusion proof${render ? `,
   and that the render's leaf hash (render-entry.json) is in the same checkpoint and is the one the
   statement names` : ''}, and ends with VERIFIED.

3. The statement: ledger/entries.jsonl is one line of JSON; its "details" name the redacted video,
   the source, the original recording and the recipe by the hashes above.

4. This folder's own files: sha256sum -c SHA256SUMS (from inside this folder).
`;
}
