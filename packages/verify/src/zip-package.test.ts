import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listFiles } from './package-files.js';
import { verifyPackage } from './package-verify.js';
import { buildZip, writePackage, type ZipLayout, type ZipMember } from './testing/package-fixture.js';

describe('verifyPackage on a zip, read in place', () => {
  let root: string;
  let members: ZipMember[];
  let key: string;
  let n = 0;
  const zipFile = async (bytes: Buffer) => {
    const p = join(root, `${n++}.zip`);
    await writeFile(p, bytes);
    return p;
  };
  const verify = async (bytes: Buffer) => verifyPackage(await zipFile(bytes), { verifierKey: key });
  const failsWith = async (bytes: Buffer, where: RegExp, what: RegExp) => {
    const r = await verify(bytes);
    assert.equal(r.ok, false);
    assert.ok(r.problems.some((p) => where.test(p.where) && what.test(p.what)), `a problem at ${where}: ${what} in ${JSON.stringify(r.problems, null, 1)}`);
    return r;
  };
  const original = () => members.find((m) => m.name.startsWith('pkg/files/originals/'))!;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'custodia-verify-zip-'));
    const dir = join(root, 'pkg');
    key = (await writePackage(dir)).key.verifierKey;
    members = await Promise.all((await listFiles(dir)).map(async (rel) => ({ name: `pkg/${rel}`, data: await readFile(join(dir, rel)) })));
  });
  after(() => rm(root, { recursive: true, force: true }));

  for (const [label, zip] of [
    ['stored entries in one package folder (as custodia export --zip writes)', () => buildZip(members)],
    ['every size, offset and count in zip64 records', () => buildZip(members, { zip64: true })],
    ['deflated entries', () => buildZip(members.map((m) => ({ ...m, deflate: true })))],
    ['entries at the top level', () => buildZip(members.map((m) => ({ ...m, name: m.name.slice(4) })))],
  ] as const) {
    it(`verifies a sound zip: ${label}`, async () => {
      const r = await verify(zip().bytes);
      assert.deepEqual(r.problems, []);
      assert.equal(r.ok, true);
      assert.equal(r.container, 'zip');
      assert.deepEqual(r.items.map((i) => [i.id, i.ok]), [[7, true]]);
      assert.equal(r.files.checked, members.length - 1, 'every file but SHA256SUMS, which lists them');
    });
  }

  it('verifies a zip made by Info-ZIP (zip -r: deflate, its own extra fields)', async () => {
    const out = join(root, 'info-zip.zip');
    execFileSync('zip', ['-qr', '-X', out, 'pkg'], { cwd: root });
    const plain = await verifyPackage(out, { verifierKey: key });
    assert.deepEqual(plain.problems, []);
    execFileSync('zip', ['-qr', join(root, 'info-zip-extras.zip'), 'pkg'], { cwd: root });
    const extras = await verifyPackage(join(root, 'info-zip-extras.zip'), { verifierKey: key });
    assert.deepEqual(extras.problems, []);
  });

  for (const zip64 of [false, true]) {
    it(`one flipped byte anywhere in the zip${zip64 ? ' (zip64)' : ''} fails it, naming the entry or the byte offset`, async () => {
      const z = buildZip(members, { zip64 });
      // Bytes no check can cover: they carry neither content nor structure (like a folder's permissions).
      const free = new Set<number>();
      for (const m of z.members) for (const o of [4, 5, 36, 37, 38, 39, 40, 41]) free.add(m.cdAt + o);
      if (zip64) for (let o = 12; o < 16; o++) free.add(z.cdEnd + o); // the zip64 end record's versions
      const offsets: number[] = [];
      for (let at = 0; at < z.bytes.length; at++) {
        const m = z.members.find((x) => at >= x.dataAt && at < x.dataEnd);
        // Data: its first, middle and last byte; every byte of everything else.
        if (!m || at === m.dataAt || at === m.dataEnd - 1 || at === (m.dataAt + m.dataEnd) >> 1) offsets.push(at);
      }
      const missed: number[] = [];
      const p = join(root, `flip-${zip64}.zip`);
      for (const at of offsets) {
        const b = Buffer.from(z.bytes);
        b[at] = b[at]! ^ 0x01;
        await writeFile(p, b);
        const r = await verifyPackage(p, { verifierKey: key });
        if (r.ok && !free.has(at)) missed.push(at);
        if (!r.ok && r.problems.length === 0) missed.push(at);
      }
      assert.deepEqual(missed, [], `flips at these offsets went unnoticed: ${missed.map((o) => `${o} (${where(z, o)})`).join(', ')}`);
    });
  }

  it('a flipped byte in an original names its file and fails the item', async () => {
    const z = buildZip(members);
    const m = z.members.find((x) => x.name === original().name)!;
    const b = Buffer.from(z.bytes);
    b[m.dataAt + 3] = b[m.dataAt + 3]! ^ 0x01;
    const r = await failsWith(b, /^files\/originals\//, /SHA-256 is|CRC-32/);
    assert.equal(r.items[0]!.ok, false);
    assert.ok(r.items[0]!.problems.some((p) => p.where === original().name.slice(4)));
  });

  it('refuses names that leave the package, absolute names and backslashes', async () => {
    const extra = (name: string) => buildZip([...members, { name, data: Buffer.from('x') }]).bytes;
    await failsWith(extra('pkg/../evil'), /central directory entry \d+/, /refused: the name .* leaves its folder/);
    await failsWith(extra('/etc/evil'), /central directory entry \d+/, /absolute path/);
    await failsWith(extra('pkg\\evil'), /central directory entry \d+/, /backslash/);
  });

  it('refuses duplicate names, also differing only in case', async () => {
    await failsWith(buildZip([...members, { ...original(), data: Buffer.from('another') }]).bytes, /central directory entry \d+/, /refused: the name is that of an earlier entry/);
    await failsWith(buildZip([...members, { ...original(), name: original().name.toUpperCase().replace('PKG/FILES/ORIGINALS', 'pkg/files/originals') }]).bytes, /central directory entry/, /differs only in case/);
  });

  it('refuses encrypted entries', async () => {
    const z = buildZip(members.map((m) => (m === original() ? { ...m, flags: 0x0001 } : m)));
    const r = await failsWith(z.bytes, /^files\/originals\//, /encrypted/);
    assert.equal(r.items[0]!.ok, false);
  });

  it('refuses data before, after and between entries', async () => {
    const z = buildZip(members);
    await failsWith(Buffer.concat([Buffer.from('MZ-stub'), z.bytes]), /./, /./);
    await failsWith(Buffer.concat([z.bytes, Buffer.from('trailing')]), /byte \d+ \(after the end record\)/, /8 bytes follow the end of the zip/);
  });

  it('refuses entries that overlap', async () => {
    const z = buildZip(members);
    // The second central entry points at the first entry's local header.
    const b = Buffer.from(z.bytes);
    b.writeUInt32LE(z.members[0]!.localAt, z.members[1]!.cdAt + 42);
    await failsWith(b, /./, /overlaps/);
  });

  it('a folder path that does not exist, and a file that is no zip, fail with a clear reason', async () => {
    assert.match((await verifyPackage(join(root, 'nope'))).problems[0]!.what, /cannot read the package/);
    const r = await verify(Buffer.from('not a zip at all, just text'));
    assert.equal(r.ok, false);
    assert.match(r.problems[0]!.what, /no end of central directory record/);
  });
});

function where(z: ZipLayout, at: number): string {
  for (const m of z.members) {
    if (at >= m.localAt && at < m.dataAt) return `local header of ${m.name} +${at - m.localAt}`;
    if (at >= m.cdAt && at < m.cdEnd) return `central entry of ${m.name} +${at - m.cdAt}`;
    if (at >= m.dataAt && at < m.dataEnd) return `data of ${m.name}`;
  }
  return `end records +${at - z.cdEnd}`;
}
