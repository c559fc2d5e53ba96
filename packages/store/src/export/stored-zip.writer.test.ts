import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readZip } from '@custodia/acquire';
import { tempDir } from '../testing/index.js';
import { writeStoredZip } from './stored-zip.writer.js';

/** Incompressible bytes, different for each seed. */
function noise(size: number, seed: number): Buffer {
  const key = Buffer.alloc(16, seed);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

const FILES: Record<string, Buffer> = {
  'SHA256SUMS': Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  files/empty\n'),
  'files/empty': Buffer.alloc(0),
  'files/originals/КАМЕРА 3 коридор.mp4': noise(3 * 1024 * 1024 + 17, 1),
  'files/derivatives/poster.jpg': noise(70_000, 2),
  'ledger/entries.jsonl': Buffer.from('{"seq":1}\n{"seq":2}\n'),
};

/** What Python's zipfile (a reader we did not write) finds: names, sizes, stored, bytes equal, CRC checked. */
function pythonRead(zip: string, dir: string): { name: string; size: number; stored: boolean; same: boolean }[] {
  const script = `
import json, os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None, 'a CRC failed'
out = []
for i in z.infolist():
    rel = i.filename.split('/', 1)[1]
    with open(os.path.join(sys.argv[2], rel), 'rb') as f:
        same = z.read(i) == f.read()
    out.append({'name': i.filename, 'size': i.file_size, 'stored': i.compress_type == zipfile.ZIP_STORED, 'same': same})
print(json.dumps(out))
`;
  return JSON.parse(execFileSync('python3', ['-c', script, zip, dir], { encoding: 'utf8' }));
}

/** The end-of-central-directory records at the end of the file, parsed by hand. */
function tail(zip: Buffer): { eocd: { count: number; cdSize: number; cdStart: number }; zip64: { count: bigint; cdSize: bigint; cdStart: bigint } | null } {
  const at = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const eocd = { count: zip.readUInt16LE(at + 10), cdSize: zip.readUInt32LE(at + 12), cdStart: zip.readUInt32LE(at + 16) };
  const locator = at - 20;
  if (zip.readUInt32LE(locator) !== 0x07064b50) return { eocd, zip64: null };
  const rec = Number(zip.readBigUInt64LE(locator + 8));
  assert.equal(zip.readUInt32LE(rec), 0x06064b50, 'the zip64 locator points at the zip64 end record');
  return { eocd, zip64: { count: zip.readBigUInt64LE(rec + 32), cdSize: zip.readBigUInt64LE(rec + 40), cdStart: zip.readBigUInt64LE(rec + 48) } };
}

describe('the stored zip of a court package', () => {
  let work: { path: string; remove: () => Promise<void> };
  let pkg: string;
  const names = Object.keys(FILES).map((f) => `package/${f}`).sort();

  before(async () => {
    work = await tempDir('custodia-zip-');
    pkg = join(work.path, 'package');
    for (const [rel, bytes] of Object.entries(FILES)) {
      await mkdir(join(pkg, rel, '..'), { recursive: true });
      await writeFile(join(pkg, rel), bytes);
    }
  });
  after(async () => work?.remove());

  for (const [label, limits] of [
    ['small: classic records', undefined],
    ['forced zip64: every size, offset, count and directory field in zip64 records', { bytes: 0, entries: 0 }],
  ] as const) {
    it(`${label}; unzip -t, zipinfo, Python's zipfile and yauzl read it byte for byte`, async () => {
      const zip = join(work.path, `${limits ? 'z64' : 'plain'}.zip`);
      await writeStoredZip(pkg, zip, 'package', undefined, limits);
      const bytes = await readFile(zip);

      const t = tail(bytes);
      if (limits) {
        assert.ok(t.zip64, 'a zip64 end record and locator are written');
        assert.deepEqual([t.eocd.count, t.eocd.cdSize, t.eocd.cdStart], [0xffff, 0xffffffff, 0xffffffff], 'the classic record defers to zip64');
        assert.equal(t.zip64.count, BigInt(names.length));
        assert.equal(t.zip64.cdStart + t.zip64.cdSize, BigInt(bytes.length - 56 - 20 - 22), 'the directory ends where the zip64 end record starts');
        // Every central directory entry carries a zip64 extra field (0x0001) with both sizes and its offset.
        let n = 0;
        for (let at = Number(t.zip64.cdStart); bytes.readUInt32LE(at) === 0x02014b50; n++) {
          const nameLen = bytes.readUInt16LE(at + 28);
          const extraLen = bytes.readUInt16LE(at + 30);
          assert.deepEqual([bytes.readUInt32LE(at + 20), bytes.readUInt32LE(at + 24), bytes.readUInt32LE(at + 42)], [0xffffffff, 0xffffffff, 0xffffffff]);
          assert.deepEqual([bytes.readUInt16LE(at + 46 + nameLen), bytes.readUInt16LE(at + 48 + nameLen)], [0x0001, 24]);
          at += 46 + nameLen + extraLen;
        }
        assert.equal(n, names.length);
      } else {
        assert.equal(t.zip64, null, 'no zip64 records when none is needed');
        assert.equal(t.eocd.count, names.length);
      }

      const test = spawnSync('unzip', ['-t', zip], { encoding: 'utf8' });
      assert.equal(test.status, 0, test.stdout + test.stderr);
      assert.match(test.stdout, /No errors detected in compressed data/);
      const listing = execFileSync('zipinfo', ['-1', zip], { encoding: 'utf8' }).trim().split('\n').sort();
      assert.deepEqual(listing, names);

      const py = pythonRead(zip, pkg);
      assert.deepEqual(py.map((m) => m.name).sort(), names);
      for (const m of py) {
        assert.ok(m.stored && m.same, `${m.name}: stored and identical`);
        assert.equal(m.size, FILES[m.name.slice('package/'.length)]!.length);
      }

      const seen: string[] = [];
      for await (const m of readZip(zip)) {
        assert.equal(m.type, 'member', JSON.stringify(m));
        if (m.type !== 'member') continue;
        const chunks: Buffer[] = [];
        for await (const c of await m.open()) chunks.push(c);
        assert.ok(Buffer.concat(chunks).equals(FILES[m.name.slice('package/'.length)]!), m.name);
        seen.push(m.name);
      }
      assert.deepEqual(seen.sort(), names);

      // Extracted by unzip, the files are the same bytes.
      const out = join(work.path, `${limits ? 'z64' : 'plain'}-out`);
      execFileSync('unzip', ['-q', zip, '-d', out]);
      for (const [rel, want] of Object.entries(FILES)) assert.ok((await readFile(join(out, 'package', rel))).equals(want), rel);
    });
  }
});
