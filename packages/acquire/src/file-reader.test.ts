import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, closeSync, constants, lstatSync, openSync, readdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { FileReadError, openChecked } from './file-reader.js';
import { type FsFile, walkFs } from './fs-walk.js';
import { makeTempDir } from './testing/temp-dir.js';

function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

async function walkOne(path: string): Promise<FsFile> {
  for await (const e of walkFs([path])) {
    if (e.type === 'file') return e;
    throw new Error(e.reason);
  }
  throw new Error('nothing walked');
}

const openFds = () => readdirSync('/proc/self/fd').length;

test('openChecked: reads the exact bytes in fresh chunks of the requested size', async () => {
  const { dir, cleanup } = makeTempDir('read');
  try {
    const data = pattern(10_500);
    const p = join(dir, 'v.mp4');
    writeFileSync(p, data);
    const r = await openChecked(await walkOne(p), { chunkSize: 1000 });
    const chunks: Buffer[] = [];
    for await (const c of r.chunks) chunks.push(c);
    assert.deepEqual(chunks.map((c) => c.length), [...Array(10).fill(1000), 500]);
    // Held chunks must stay intact while later ones are read (no buffer reuse).
    assert.deepEqual(Buffer.concat(chunks), data);
    chunks.forEach((c, i) => assert.deepEqual(c, data.subarray(i * 1000, i * 1000 + c.length)));
    assert.deepEqual(await r.finished(), { bytesRead: 10_500, changed: false });
    assert.throws(() => r.chunks[Symbol.asyncIterator](), /only be iterated once/);
  } finally {
    cleanup();
  }
});

test('openChecked: empty file and non-UTF-8 path', async () => {
  const { dir, cleanup } = makeTempDir('read-empty');
  try {
    const raw = Buffer.concat([Buffer.from(dir + '/'), iconv.encode('КАМЕРА 3.mp4', 'cp866')]);
    writeFileSync(raw, '');
    const file = await walkOne(dir);
    assert.ok(file.rawPath.equals(raw));
    const r = await openChecked(file);
    let n = 0;
    for await (const c of r.chunks) n += c.length;
    assert.equal(n, 0);
    assert.deepEqual(await r.finished(), { bytesRead: 0, changed: false });
  } finally {
    cleanup();
  }
});

test('openChecked: a file that grows while being read is reported as changed', async () => {
  const { dir, cleanup } = makeTempDir('read-grow');
  try {
    const p = join(dir, 'rec.dav');
    writeFileSync(p, pattern(1000));
    const r = await openChecked(await walkOne(p), { chunkSize: 400 });
    let total = 0;
    let appended = false;
    for await (const c of r.chunks) {
      total += c.length;
      if (!appended) {
        appendFileSync(p, pattern(1000));
        appended = true;
      }
    }
    const out = await r.finished();
    assert.equal(out.changed, true);
    assert.equal(out.bytesRead, total);
    assert.equal(total, 2000);
    assert.match(out.changed ? out.reason : '', /^size changed from 1000 to 2000 bytes while being read/);
  } finally {
    cleanup();
  }
});

test('openChecked: a file modified between walk and open says so', async () => {
  const { dir, cleanup } = makeTempDir('read-listed');
  try {
    const p = join(dir, 'v.mp4');
    writeFileSync(p, 'abc');
    const file = await walkOne(p);
    writeFileSync(p, 'abcdef');
    utimesSync(p, new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T00:00:00Z'));
    const r = await openChecked(file);
    for await (const _ of r.chunks) void _;
    const out = await r.finished();
    assert.equal(out.changed, true);
    assert.equal(out.bytesRead, 6);
    assert.match(out.changed ? out.reason : '', /size changed from 3 bytes \(when listed\) to 6 bytes \(when opened\)/);
    assert.match(out.changed ? out.reason : '', /modified after it was listed \(.* then, 2024-01-01T00:00:00.000Z when opened\)/);
  } finally {
    cleanup();
  }
});

test('openChecked: swaps after the walk are refused (other file, symlink, FIFO)', async () => {
  const { dir, cleanup } = makeTempDir('read-swap');
  try {
    const p = join(dir, 'v.mp4');
    writeFileSync(p, 'original');
    const file = await walkOne(p);

    writeFileSync(join(dir, 'other'), 'forged');
    renameSync(join(dir, 'other'), p);
    await assert.rejects(openChecked(file), (err: unknown) => {
      assert.ok(err instanceof FileReadError);
      assert.equal(err.code, 'EREPLACED');
      assert.match(err.message, new RegExp(`^${p} was replaced after it was listed \\(device/inode \\d+/${file.ino} then, \\d+/\\d+ now\\)$`));
      return true;
    });

    rmSync(p);
    writeFileSync(join(dir, 'target'), 'x');
    symlinkSync('target', p);
    await assert.rejects(openChecked(file), /cannot open .*v\.mp4: it has been replaced by a symbolic link since it was listed \(ELOOP\)/);

    rmSync(p);
    execFileSync('mkfifo', [p]);
    // Without O_NONBLOCK the open would wait for a writer forever. If it does, this timer plays
    // the writer so the test fails instead of hanging the suite.
    let hung = false;
    const unblock = setTimeout(() => {
      hung = true;
      try {
        closeSync(openSync(p, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // no reader waiting after all
      }
    }, 3000);
    await assert.rejects(openChecked(file), /v\.mp4 is no longer a regular file: it is now a FIFO/);
    clearTimeout(unblock);
    assert.equal(hung, false, 'opening a FIFO blocked');
  } finally {
    cleanup();
  }
});

test('openChecked: a followed symlink is opened through its resolved target', async () => {
  const { dir, cleanup } = makeTempDir('read-link');
  try {
    writeFileSync(join(dir, 'real.mp4'), 'content');
    symlinkSync('real.mp4', join(dir, 'alias.mp4'));
    let alias: FsFile | undefined;
    for await (const e of walkFs([dir])) if (e.type === 'file' && e.relPath === 'alias.mp4') alias = e;
    assert.ok(alias?.targetPath);
    const r = await openChecked(alias);
    const chunks: Buffer[] = [];
    for await (const c of r.chunks) chunks.push(c);
    assert.equal(Buffer.concat(chunks).toString(), 'content');
  } finally {
    cleanup();
  }
});

test('openChecked: read errors (EIO) reject the iterator with the path', async (t) => {
  // /proc/<pid>/mem is a regular file whose read at offset 0 fails with EIO.
  const memPath = `/proc/${process.pid}/mem`;
  let st;
  try {
    st = lstatSync(memPath);
  } catch {
    t.skip('no /proc');
    return;
  }
  const file: FsFile = {
    type: 'file', root: memPath, rawPath: Buffer.from(memPath), displayPath: memPath, relPath: 'mem',
    size: st.size, mtimeMs: st.mtimeMs, mode: st.mode, dev: st.dev, ino: st.ino,
  };
  const r = await openChecked(file);
  await assert.rejects(
    (async () => {
      for await (const _ of r.chunks) void _;
    })(),
    (err: unknown) => {
      assert.ok(err instanceof FileReadError);
      assert.equal(err.code, 'EIO');
      assert.match(err.message, new RegExp(`^error reading ${memPath} at byte offset 0: .*\\(EIO\\)$`));
      return true;
    },
  );
  await assert.rejects(r.finished(), /EIO/);
});

test('openChecked: stopping early or closing unread releases the file and rejects finished()', async () => {
  const { dir, cleanup } = makeTempDir('read-early');
  try {
    const p = join(dir, 'big.mp4');
    writeFileSync(p, pattern(100_000));
    const file = await walkOne(p);
    const before = openFds();

    const r = await openChecked(file, { chunkSize: 1000 });
    for await (const _ of r.chunks) break;
    await assert.rejects(r.finished(), /reading .*big\.mp4 stopped after 1000 bytes, before the end of the file/);
    assert.equal(openFds(), before);

    const unread = await openChecked(file);
    await unread.close();
    await assert.rejects(unread.finished(), /closed without being read/);
    assert.equal(openFds(), before);
  } finally {
    cleanup();
  }
});
