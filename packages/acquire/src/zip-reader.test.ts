import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import iconv from 'iconv-lite';
import { isZipArchive, readZip, type ZipMember, type ZipProblem, ZipMemberError } from './zip-reader.js';
import { buildZip, type ZipEntrySpec, type ZipOptions } from './testing/zip-writer.js';
import { makeTempDir } from './testing/temp-dir.js';

type Item = ZipMember | ZipProblem;

async function withArchive<T>(bytes: Buffer, fn: (path: string) => Promise<T>): Promise<T> {
  const { dir, cleanup } = makeTempDir('zip');
  try {
    const p = join(dir, 'evidence.zip');
    writeFileSync(p, bytes);
    return await fn(p);
  } finally {
    cleanup();
  }
}

async function list(bytes: Buffer, opts?: Parameters<typeof readZip>[1]): Promise<Item[]> {
  return withArchive(bytes, async (p) => {
    const out: Item[] = [];
    for await (const e of readZip(p, opts)) out.push(e);
    return out;
  });
}

async function readAll(m: ZipMember): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await m.open()) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Lists and reads every member inside the archive's lifetime; returns contents or errors. */
async function listAndRead(entries: ZipEntrySpec[], opts: ZipOptions = {}, readOpts?: Parameters<typeof readZip>[1]) {
  return withArchive(buildZip(entries, opts), async (p) => {
    const items: Array<Item & { content?: Buffer; error?: unknown }> = [];
    for await (const e of readZip(p, readOpts)) {
      if (e.type === 'member') {
        try {
          items.push({ ...e, content: await readAll(e) });
        } catch (error) {
          items.push({ ...e, error });
        }
      } else {
        items.push(e);
      }
    }
    return items;
  });
}

const members = (items: Item[]) => items.filter((i): i is ZipMember => i.type === 'member');
const problemsOf = (items: Item[]) => items.filter((i): i is ZipProblem => i.type === 'problem');

function pattern(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

test('readZip: stored and deflate members with their metadata and content', async () => {
  const video = pattern(300_000);
  const log = Buffer.from('camera 3: motion 14:31:02\n'.repeat(1000));
  const items = await listAndRead([
    { name: 'cam3/clip.mp4', data: video, dosTime: { year: 2023, month: 6, day: 1, hour: 14, minute: 30, second: 58 }, unixMtime: 1685629858 },
    { name: 'cam3/log.txt', data: log, method: 'deflate' },
    { name: 'cam3/', data: Buffer.alloc(0) },
  ]);
  assert.deepEqual(problemsOf(items), []);
  const [clip, txt, folder] = items as Array<ZipMember & { content: Buffer }>;
  assert.ok(clip && txt && folder);
  assert.equal(clip.index, 0);
  assert.equal(clip.name, 'cam3/clip.mp4');
  assert.equal(clip.nameEncoding, 'ascii');
  assert.equal(clip.compression, 'stored');
  assert.equal(clip.size, 300_000);
  assert.equal(clip.compressedSize, 300_000);
  assert.equal(clip.crc32, crc32(video));
  assert.equal(clip.mtime, '2023-06-01T14:30:58');
  assert.equal(clip.mtimeUtc, '2023-06-01T14:30:58Z');
  assert.equal(clip.encrypted, false);
  assert.equal(clip.isDirectory, false);
  assert.deepEqual(clip.content, video);
  assert.equal(txt.compression, 'deflate');
  assert.ok(txt.compressedSize < txt.size);
  assert.deepEqual(txt.content, log);
  assert.equal(folder.isDirectory, true);
  assert.equal(folder.content.length, 0);
});

test('readZip: Cyrillic names in cp866, cp1251, UTF-8 flag and Unicode Path extra field', async () => {
  const items = await listAndRead([
    { name: iconv.encode('КАМЕРА 3 ПОДЪЕЗД.mp4', 'cp866'), data: Buffer.from('a') },
    { name: iconv.encode('видео_камера.avi', 'cp1251'), data: Buffer.from('b') },
    { name: 'камера 1/запись.dav', data: Buffer.from('c') }, // UTF-8 flag set by the writer
    { name: iconv.encode('ШИЗО.mp4', 'cp866'), unicodePath: { name: 'ШИЗО (корпус 2).mp4' }, data: Buffer.from('d') },
    { name: iconv.encode('ШИЗО.mp4', 'cp866'), unicodePath: { name: 'stale.mp4', crc: 1234 }, data: Buffer.from('e') },
  ]);
  assert.deepEqual(
    members(items).map((m) => [m.name, m.nameEncoding, m.lossy]),
    [
      ['КАМЕРА 3 ПОДЪЕЗД.mp4', 'cp866', false],
      ['видео_камера.avi', 'cp1251', false],
      ['камера 1/запись.dav', 'utf-8', false],
      ['ШИЗО (корпус 2).mp4', 'utf-8-extra-field', false],
      ['ШИЗО.mp4', 'cp866', false],
    ],
  );
  assert.deepEqual(members(items)[0]?.rawName, iconv.encode('КАМЕРА 3 ПОДЪЕЗД.mp4', 'cp866'));
});

test('readZip: forced zip64 (extra fields and zip64 end records) reads the same', async () => {
  const data = pattern(70_000, 5);
  const items = await listAndRead(
    [
      { name: 'a.mp4', data, zip64: true },
      { name: 'b.txt', data: Buffer.from('hello '.repeat(500)), method: 'deflate', zip64: true },
    ],
    { zip64Eocd: true },
  );
  assert.deepEqual(problemsOf(items), []);
  const [a, b] = items as Array<ZipMember & { content: Buffer }>;
  assert.equal(a?.size, 70_000);
  assert.deepEqual(a?.content, data);
  assert.equal(b?.content.toString(), 'hello '.repeat(500));
});

test('readZip: a cut-off archive yields exactly one truncated problem', async () => {
  const zip = buildZip([{ name: 'a.mp4', data: pattern(5000) }, { name: 'b.mp4', data: pattern(5000, 2) }]);
  const items = await list(zip.subarray(0, 7000));
  assert.deepEqual(items, [{
    type: 'problem',
    status: 'truncated',
    reason: 'not a readable zip archive: end of central directory record signature not found (the file starts like a zip archive, so it was probably cut off)',
  }]);
});

test('readZip: something that is not a zip at all, and an empty file, are corrupt', async () => {
  assert.deepEqual(await list(Buffer.from('this is not an archive at all, just text')), [{
    type: 'problem', status: 'corrupt', reason: 'not a readable zip archive: end of central directory record signature not found',
  }]);
  const empty = await list(Buffer.alloc(0));
  assert.equal(empty.length, 1);
  assert.equal((empty[0] as ZipProblem).status, 'corrupt');
  assert.match((empty[0] as ZipProblem).reason, /the file is empty/);
});

test('readZip: a missing archive file is the caller\'s error and is thrown', async () => {
  await assert.rejects(async () => {
    for await (const _ of readZip('/nonexistent/evidence.zip')) void _;
  }, { code: 'ENOENT' });
});

test('readZip: a flipped byte fails the CRC-32 check with both values', async () => {
  const data = pattern(10_000, 3);
  const zip = buildZip([{ name: 'x/y.mp4', data }]);
  const dataOffset = 30 + 'x/y.mp4'.length;
  zip[dataOffset + 5000]! ^= 0xff;
  const flipped = Buffer.from(data);
  flipped[5000]! ^= 0xff;
  await withArchive(zip, async (p) => {
    for await (const m of readZip(p)) {
      assert.equal(m.type, 'member');
      if (m.type !== 'member') continue;
      await assert.rejects(readAll(m), (err: unknown) => {
        assert.ok(err instanceof ZipMemberError);
        assert.equal(err.status, 'corrupt');
        assert.equal(err.member, 'x/y.mp4');
        assert.equal(err.message, `CRC-32 mismatch in member 'x/y.mp4': expected ${crc32(data).toString(16).padStart(8, '0')}, got ${crc32(flipped).toString(16).padStart(8, '0')}`);
        return true;
      });
    }
  });
});

test('readZip: a member shorter than declared is truncated; a longer one is stopped', async () => {
  const data = Buffer.from('frame '.repeat(200_000)); // 1,200,000 bytes
  const items = await listAndRead([
    { name: 'a.mp4', data, method: 'deflate', size: 5_000_000 },
    { name: 'b.mp4', data, method: 'deflate', size: 1000 },
  ]);
  const [a, b] = items as Array<ZipMember & { error: Error }>;
  assert.ok(a?.error instanceof ZipMemberError);
  assert.equal(a.error.message, "member 'a.mp4' is truncated: expected 5000000 bytes, got 1200000");
  assert.equal((a.error as ZipMemberError).status, 'truncated');
  assert.match(b?.error.message ?? '', /^member 'b\.mp4' is corrupt: it holds more than its declared 1000 bytes \(at least \d+\); reading stopped$/);
});

test('readZip: deflate data cut short, and member data beyond the end of the archive', async () => {
  const text = Buffer.from('evidence '.repeat(10_000));
  const zip = buildZip([{ name: 'cut.txt', data: text, method: 'deflate' }]);
  const fullCompressed = zip.readUInt32LE(18);
  // Shrink the declared compressed size (both headers) so the deflate stream ends early.
  const shorter = buildZip([{ name: 'cut.txt', data: text, method: 'deflate', compressedSize: Math.floor(fullCompressed / 2) }]);
  const items = await withArchive(shorter, async (p) => {
    const out: Array<{ err?: Error }> = [];
    for await (const m of readZip(p)) if (m.type === 'member') out.push({ err: await readAll(m).then(() => undefined, (e: Error) => e) });
    return out;
  });
  assert.match(items[0]?.err?.message ?? '', /^member 'cut\.txt' is truncated: expected 90000 bytes, got \d+ \(compressed data ends early\)$/);

  const beyond = await listAndRead([{ name: 'big.mp4', data: pattern(100), size: 1_000_000, compressedSize: 1_000_000 }]);
  const m = beyond[0] as ZipMember & { error: Error };
  assert.match(m.error.message, /^member 'big\.mp4' is truncated: its data would end at byte 1000037 but the archive is only \d+ bytes$/);
});

test('readZip: encrypted and unsupported members are reported; the rest is still read', async () => {
  const items = await listAndRead([
    { name: 'secret.mp4', data: pattern(100), encrypted: true },
    { name: 'packed.mp4', data: pattern(100), method: 12 },
    { name: 'plain.mp4', data: Buffer.from('ok') },
  ]);
  assert.deepEqual(items.map((i) => (i.type === 'problem' ? `problem:${i.status}:${i.index}` : `member:${i.name}`)), [
    'problem:encrypted:0', 'member:secret.mp4', 'problem:unsupported:1', 'member:packed.mp4', 'member:plain.mp4',
  ]);
  const [encProblem, enc, unsupProblem, unsup, plain] = items as Array<Item & { error?: ZipMemberError; content?: Buffer }>;
  assert.equal((encProblem as ZipProblem).reason, "member 'secret.mp4' is encrypted (traditional PKWARE); its 100 bytes cannot be read without the password");
  assert.equal((enc as ZipMember).encrypted, true);
  assert.equal(enc?.error?.status, 'encrypted');
  assert.equal((unsupProblem as ZipProblem).reason, "member 'packed.mp4' uses compression method 12 (bzip2), which is not supported; its 100 bytes were not extracted");
  assert.equal((unsup as ZipMember).compression, 'bzip2');
  assert.equal(unsup?.error?.status, 'unsupported');
  assert.equal(plain?.content?.toString(), 'ok');
});

test('readZip: unsafe names are flagged and the member is still yielded with its content', async () => {
  const items = await listAndRead([
    { name: '../../etc/cron.d/x', data: Buffer.from('1') },
    { name: '/abs/path.mp4', data: Buffer.from('2') },
    { name: Buffer.from('a\0b.mp4'), data: Buffer.from('3') },
    { name: 'C:\\Windows\\x.mp4', data: Buffer.from('4') },
    { name: 'cam\\..\\..\\y.mp4', data: Buffer.from('5') },
    { name: 'fine..name.mp4', data: Buffer.from('6') },
    { name: 'harmless.mp4', unicodePath: { name: '../escape.mp4' }, data: Buffer.from('7') },
  ]);
  const unsafe = problemsOf(items);
  assert.deepEqual(unsafe.map((p) => [p.status, p.index]), [['unsafe-name', 0], ['unsafe-name', 1], ['unsafe-name', 2], ['unsafe-name', 3], ['unsafe-name', 4], ['unsafe-name', 6]]);
  assert.equal(unsafe[0]?.reason, "member name '../../etc/cron.d/x' contains a parent directory reference '..'; it is kept as raw bytes and never used as a path");
  assert.match(unsafe[2]?.reason ?? '', /contains a NUL byte/);
  assert.deepEqual(unsafe[2]?.rawName, Buffer.from('a\0b.mp4'));
  assert.deepEqual(members(items).map((m) => (m as ZipMember & { content: Buffer }).content.toString()), ['1', '2', '3', '4', '5', '6', '7']);
});

test('readZip: zip bomb guards (ratio, size limit, overlapping members)', async () => {
  const zeros = Buffer.alloc(2_000_000);
  const items = await listAndRead(
    [
      { name: 'ratio.bin', data: zeros, method: 'deflate' }, // ~2000 bytes compressed: ratio ~1000:1
      { name: 'big.bin', data: Buffer.from('x'), method: 'deflate', size: 5_000_000 },
      { name: 'fine.bin', data: Buffer.from('y'.repeat(100)), method: 'deflate' },
      { name: 'twin.bin', sharesDataWith: 2 },
    ],
    {},
    { ratioLimitAbove: 1_000_000, maxCompressionRatio: 500, maxMemberSize: 3_000_000 },
  );
  const p = problemsOf(items);
  assert.equal(p.length, 3);
  assert.equal(p[0]?.status, 'unsupported');
  assert.match(p[0]?.reason ?? '', /^member 'ratio\.bin' declares 2000000 bytes from \d+ compressed \(ratio \d+:1\), above the 500:1 limit for members over 1000000 bytes; not decompressed \(possible zip bomb\)$/);
  assert.equal(p[1]?.reason, "member 'big.bin' declares 5000000 bytes, more than the limit of 3000000; not decompressed");
  assert.equal(p[2]?.status, 'corrupt');
  assert.match(p[2]?.reason ?? '', /^member 'twin\.bin' overlaps the data of member 'fine\.bin'/);
  const byName = new Map(members(items).map((m) => [m.name, m as ZipMember & { error?: ZipMemberError; content?: Buffer }]));
  assert.equal(byName.get('ratio.bin')?.error?.status, 'unsupported');
  assert.equal(byName.get('big.bin')?.error?.status, 'unsupported');
  assert.equal(byName.get('fine.bin')?.content?.toString(), 'y'.repeat(100));
  assert.equal(byName.get('twin.bin')?.error?.status, 'corrupt');
});

test('readZip: default bomb limits leave ordinary members alone', async () => {
  const items = await listAndRead([{ name: 'zeros.bin', data: Buffer.alloc(3_000_000), method: 'deflate' }]);
  assert.deepEqual(problemsOf(items), []);
  assert.equal((items[0] as ZipMember & { content: Buffer }).content.length, 3_000_000);
});

test('readZip: maxEntries lists the first entries and reports the rest', async () => {
  const entries = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: Buffer.from(String(i)) }));
  const items = await list(buildZip(entries), { maxEntries: 3 });
  assert.deepEqual(items.map((i) => i.type), ['member', 'member', 'member', 'problem']);
  assert.equal((items[3] as ZipProblem).reason, 'archive declares 5 entries; only the first 3 were listed (maxEntries)');
  assert.equal((items[3] as ZipProblem).status, 'unsupported');
});

test('readZip: a damaged central directory reports where listing stopped', async () => {
  const zip = buildZip([{ name: 'a.mp4', data: Buffer.from('a') }, { name: 'b.mp4', data: Buffer.from('b') }, { name: 'c.mp4', data: Buffer.from('c') }]);
  const cdOffset = zip.readUInt32LE(zip.length - 6);
  const secondEntry = cdOffset + 46 + 'a.mp4'.length;
  zip.writeUInt32LE(0xdeadbeef, secondEntry);
  const items = await list(zip);
  assert.deepEqual(items.map((i) => i.type), ['member', 'problem']);
  assert.deepEqual(items[1], {
    type: 'problem',
    index: 1,
    status: 'corrupt',
    reason: 'central directory entry 2 of 3 is unreadable (invalid central directory file header signature: 0xdeadbeef); entries 2 to 3 were not listed',
  });
});

test('readZip: an end record claiming more entries than exist is truncated listing', async () => {
  const zip = buildZip([{ name: 'a.mp4', data: Buffer.from('a') }], { declaredEntryCount: 4 });
  const items = await list(zip);
  assert.equal(items[0]?.type, 'member');
  assert.equal((items[1] as ZipProblem).status, 'truncated');
  assert.match((items[1] as ZipProblem).reason, /^central directory entry 2 of 4 is unreadable \(unexpected EOF\)/);
});

test('readZip: members can be opened after the listing has finished', async () => {
  await withArchive(buildZip([{ name: 'a', data: Buffer.from('first') }, { name: 'b', data: Buffer.from('second'), method: 'deflate' }]), async (p) => {
    const all: ZipMember[] = [];
    for await (const e of readZip(p)) if (e.type === 'member') all.push(e);
    assert.deepEqual(await Promise.all(all.map(async (m) => (await readAll(m)).toString())), ['first', 'second']);
  });
});

test('isZipArchive', () => {
  assert.equal(isZipArchive('zip'), true);
  assert.equal(isZipArchive('docx'), false);
  assert.equal(isZipArchive('mp4'), false);
});
