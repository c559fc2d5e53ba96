// Test fixtures: a small court package written by hand with the ledger library, and a zip writer
// that can also write the broken zips the verifier must refuse.

import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { deflateRawSync, crc32 } from 'node:zlib';
import { MerkleTree, encodeEntry, generateInstanceKey, leafHash, signCheckpoint, type LedgerEntry } from '@custodia/ledger';
import { PACKAGE_FORMAT, type PackageManifest } from '../package-format.js';

export const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
export const ORIGIN = 'custodia.test/ledger';

/** A small package written by hand with the ledger library: one acquisition, one item, three entries. */
export async function writePackage(dir: string): Promise<{ key: ReturnType<typeof generateInstanceKey> }> {
  const key = generateInstanceKey(ORIGIN);
  const evidence = Buffer.from('recording bytes');
  const h = sha(evidence);
  const entry = (seq: number, action: string, subjects: string[], details: Record<string, unknown>): LedgerEntry => ({
    v: 1, seq, time: '2026-01-02T03:04:05.000Z', actor: 'op', action, subjects, details,
  });
  const entries = [
    entry(0, 'acquisition-started', [], { acquisition: 1, case: 1, kind: 'bulk-ingest', operator: 'op', host: 'h', tool: 'custodia 0.1.0', roots: ['/usb'] }),
    entry(1, 'ingested', [h], {
      item: 7, case: 1, acquisition: 1, parent: null, memberIndex: null, path: '/usb/КАМЕРА.mp4', rawPathHex: Buffer.from('/usb/КАМЕРА.mp4').toString('hex'),
      size: evidence.length, mtime: '2026-01-01T00:00:00.000Z', kind: 'video', format: 'mp4', status: 'ok', reason: null,
    }),
    entry(2, 'court-exported', [h], { items: [7] }),
  ];
  const bytes = entries.map((e) => encodeEntry(e));
  const tree = new MerkleTree(bytes.map((b) => leafHash(b)));
  const files: Record<string, Buffer> = {
    [`files/originals/${h}`]: evidence,
    'ledger/checkpoint.txt': Buffer.from(signCheckpoint({ origin: ORIGIN, size: 3, rootHash: tree.root() }, key)),
    'ledger/checkpoints/00000002.txt': Buffer.from(signCheckpoint({ origin: ORIGIN, size: 2, rootHash: tree.root(2) }, key)),
    'ledger/verifier.key': Buffer.from(key.verifierKey + '\n'),
    'ledger/entries.jsonl': Buffer.from(bytes.map((b) => b.toString('utf8') + '\n').join('')),
    'ledger/proofs.jsonl': Buffer.from(
      bytes.map((b, seq) => JSON.stringify({ leafHashHex: leafHash(b).toString('hex'), proof: tree.inclusionProof(seq, 3).map((p) => p.toString('hex')), seq }) + '\n').join(''),
    ),
  };
  const manifest: PackageManifest = {
    format: PACKAGE_FORMAT, createdAt: '2026-01-02T03:04:06.000Z', createdBy: { operator: 'op', host: 'h', tool: 'custodia 0.1.0' },
    scope: { kind: 'case', value: 'C' }, withOriginals: true,
    instance: { id: 'i', origin: ORIGIN, verifierKey: key.verifierKey, publicKeyHex: key.publicKey.toString('hex') },
    cases: [{ id: 1, name: 'C' }],
    items: [{
      id: 7, case: 1, path: '/usb/КАМЕРА.mp4', pathEncoding: 'utf8', size: evidence.length, mtime: '2026-01-01T00:00:00.000Z', sha256: h,
      kind: 'video', format: 'mp4', status: 'ok', reason: null, acquisition: 1, parent: null, ledgerSeq: 1, file: `files/originals/${h}`,
    }],
    acquisitions: [{
      id: 1, case: 1, kind: 'bulk-ingest', operator: 'op', host: 'h', tool: 'custodia 0.1.0', options: {}, roots: ['/usb'],
      startedAt: '2026-01-02T03:04:05.000Z', finishedAt: null, status: 'running', manifestSha256: null, ledgerSeq: 0,
    }],
    derivatives: [],
    ledger: {
      checkpoint: 'ledger/checkpoint.txt', verifierKey: 'ledger/verifier.key', entries: 'ledger/entries.jsonl', proofs: 'ledger/proofs.jsonl',
      treeSize: 3, rootHashHex: tree.root().toString('hex'), entryCount: 3,
      earlierCheckpoints: [{ file: 'ledger/checkpoints/00000002.txt', treeSize: 2, consistencyProof: tree.consistencyProof(2, 3).map((p) => p.toString('hex')) }],
      timestamps: [], tsaCaFile: null,
    },
    files: Object.entries(files).map(([path, b]) => ({ path, sha256: sha(b), size: b.length })).sort((a, b) => a.path.localeCompare(b.path)),
  };
  files['manifest.json'] = Buffer.from(JSON.stringify(manifest, null, 2));
  files['SHA256SUMS'] = Buffer.from(Object.entries(files).map(([p, b]) => `${sha(b)}  ${p}\n`).join(''));
  for (const [p, b] of Object.entries(files)) {
    await mkdir(dirname(join(dir, p)), { recursive: true });
    await writeFile(join(dir, p), b);
  }
  return { key };
}


export interface ZipMember {
  name: string;
  data: Buffer;
  deflate?: boolean;
  /** General purpose flags beyond UTF-8 (0x0800), e.g. 0x0001 "encrypted". */
  flags?: number;
}

/** Where each part of a zip written by {@link buildZip} is, to break it on purpose. */
export interface ZipLayout {
  bytes: Buffer;
  members: { name: string; localAt: number; dataAt: number; dataEnd: number; cdAt: number; cdEnd: number }[];
  cdAt: number;
  cdEnd: number;
}

const u16 = (n: number) => Buffer.from([n & 0xff, (n >>> 8) & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};

/**
 * A zip as `custodia export --zip` writes one (stored entries, UTF-8 names, no extra fields), or
 * with every size, offset and count in zip64 records (`zip64`), deflated members, other flags.
 */
export function buildZip(members: ZipMember[], opts: { zip64?: boolean } = {}): ZipLayout {
  const z = opts.zip64 === true;
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  const layout: ZipLayout['members'] = [];
  let pos = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const data = m.deflate ? deflateRawSync(m.data) : m.data;
    const crc = crc32(m.data);
    const flags = 0x0800 | (m.flags ?? 0);
    const method = m.deflate ? 8 : 0;
    const localExtra = z ? Buffer.concat([u16(1), u16(16), u64(m.data.length), u64(data.length)]) : Buffer.alloc(0);
    const local = Buffer.concat([
      u32(0x04034b50), u16(z ? 45 : 20), u16(flags), u16(method), u16(0), u16(0x21), u32(crc),
      u32(z ? 0xffffffff : data.length), u32(z ? 0xffffffff : m.data.length), u16(name.length), u16(localExtra.length), name, localExtra,
    ]);
    const cdExtra = z ? Buffer.concat([u16(1), u16(24), u64(m.data.length), u64(data.length), u64(pos)]) : Buffer.alloc(0);
    const cd = Buffer.concat([
      u32(0x02014b50), u16((3 << 8) | 45), u16(z ? 45 : 20), u16(flags), u16(method), u16(0), u16(0x21), u32(crc),
      u32(z ? 0xffffffff : data.length), u32(z ? 0xffffffff : m.data.length), u16(name.length), u16(cdExtra.length), u16(0), u16(0), u16(0),
      u32((0o100644 << 16) >>> 0), u32(z ? 0xffffffff : pos), name, cdExtra,
    ]);
    layout.push({ name: m.name, localAt: pos, dataAt: pos + local.length, dataEnd: pos + local.length + data.length, cdAt: 0, cdEnd: 0 });
    parts.push(local, data);
    central.push(cd);
    pos += local.length + data.length;
  }
  const cdAt = pos;
  central.forEach((c, i) => {
    layout[i]!.cdAt = pos;
    layout[i]!.cdEnd = pos + c.length;
    pos += c.length;
  });
  const cdSize = pos - cdAt;
  const n = members.length;
  const tail: Buffer[] = [];
  if (z) {
    tail.push(Buffer.concat([u32(0x06064b50), u64(44), u16(45), u16(45), u32(0), u32(0), u64(n), u64(n), u64(cdSize), u64(cdAt)]));
    tail.push(Buffer.concat([u32(0x07064b50), u32(0), u64(pos), u32(1)]));
  }
  tail.push(Buffer.concat([
    u32(0x06054b50), u16(0), u16(0), u16(z ? 0xffff : n), u16(z ? 0xffff : n), u32(z ? 0xffffffff : cdSize), u32(z ? 0xffffffff : cdAt), u16(0),
  ]));
  return { bytes: Buffer.concat([...parts, ...central, ...tail]), members: layout, cdAt, cdEnd: cdAt + cdSize };
}
