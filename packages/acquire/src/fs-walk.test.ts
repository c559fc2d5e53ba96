import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { type FsFile, type FsProblem, totalSize, walkFs } from './fs-walk.js';
import { makeTempDir } from './testing/temp-dir.js';
import { runModuleSnippet } from './testing/run-unprivileged.js';

async function collect(roots: string[], opts?: Parameters<typeof walkFs>[1]): Promise<Array<FsFile | FsProblem>> {
  const out: Array<FsFile | FsProblem> = [];
  for await (const e of walkFs(roots, opts)) out.push(e);
  return out;
}

const files = (es: Array<FsFile | FsProblem>) => es.filter((e): e is FsFile => e.type === 'file');
const problems = (es: Array<FsFile | FsProblem>) => es.filter((e): e is FsProblem => e.type === 'problem');

/** Writes a file whose name is raw bytes (mkdir/writeFile accept Buffer paths). */
function writeRaw(dir: string, name: Buffer, data: string | Buffer): Buffer {
  const p = Buffer.concat([Buffer.from(dir + '/'), name]);
  writeFileSync(p, data);
  return p;
}

test('walk: nested tree in raw-byte order with sizes and identities', async () => {
  const { dir, cleanup } = makeTempDir('walk');
  try {
    mkdirSync(join(dir, 'cam2'));
    mkdirSync(join(dir, 'cam1', 'day1'), { recursive: true });
    writeFileSync(join(dir, 'cam1', 'day1', 'b.mp4'), 'bb');
    writeFileSync(join(dir, 'cam1', 'a.mp4'), 'a');
    writeFileSync(join(dir, 'cam1', 'Z.mp4'), 'zzz');
    writeFileSync(join(dir, 'cam2', 'c.dav'), 'cccc');
    writeFileSync(join(dir, 'readme.txt'), '');
    const es = await collect([dir]);
    assert.deepEqual(problems(es), []);
    assert.deepEqual(
      files(es).map((f) => [f.relPath, f.size]),
      [['cam1/Z.mp4', 3], ['cam1/a.mp4', 1], ['cam1/day1/b.mp4', 2], ['cam2/c.dav', 4], ['readme.txt', 0]],
    );
    const first = files(es)[0]!;
    const st = statSync(join(dir, 'cam1', 'Z.mp4'));
    assert.equal(first.root, dir);
    assert.deepEqual(first.rawPath, Buffer.from(join(dir, 'cam1', 'Z.mp4')));
    assert.equal(first.displayPath, join(dir, 'cam1', 'Z.mp4'));
    assert.deepEqual([first.dev, first.ino, first.mtimeMs, first.mode], [st.dev, st.ino, st.mtimeMs, st.mode]);
    assert.equal(first.targetPath, undefined);
  } finally {
    cleanup();
  }
});

test('walk: entries come in raw byte order whatever order the filesystem returns', async () => {
  const { dir, cleanup } = makeTempDir('walk-order');
  try {
    const names = [
      ...Array.from({ length: 40 }, (_, i) => Buffer.from(`cam${String((i * 17) % 40).padStart(2, '0')}.mp4`)),
      Buffer.from('Zulu'), Buffer.from('alpha'), Buffer.from('_x'), Buffer.from('камера', 'utf8'),
      iconv.encode('КАМЕРА', 'cp1251'), iconv.encode('камера', 'cp866'),
    ];
    for (const n of names) writeRaw(dir, n, 'x');
    const walked = files(await collect([dir])).map((f) => f.rawPath.subarray(dir.length + 1));
    const expected = [...names].sort(Buffer.compare);
    assert.deepEqual(walked, expected);
    // Byte order, not locale order: uppercase ASCII before lowercase, then the non-ASCII names.
    assert.deepEqual(walked.slice(0, 2).map(String), ['Zulu', '_x']);
  } finally {
    cleanup();
  }
});

test('walk: non-UTF-8 names survive byte-exact and display decoded', async () => {
  const { dir, cleanup } = makeTempDir('walk-names');
  try {
    const dirName = iconv.encode('ДЕЖУРНАЯ ЧАСТЬ', 'cp1251');
    const dirPath = Buffer.concat([Buffer.from(dir + '/'), dirName]);
    mkdirSync(dirPath);
    const fileName = iconv.encode('видео_камера.avi', 'cp866');
    const filePath = writeRaw(dir, Buffer.concat([dirName, Buffer.from('/'), fileName]), 'evidence');
    const junkPath = writeRaw(dir, Buffer.from([0x41, 0xb0, 0xb1, 0xb2]), 'x');
    const es = await collect([dir]);
    const fs = files(es);
    assert.equal(fs.length, 2);
    const junk = fs.find((f) => f.rawPath.equals(junkPath));
    const vid = fs.find((f) => f.rawPath.equals(filePath));
    assert.ok(vid && junk);
    assert.equal(vid.relPath, 'ДЕЖУРНАЯ ЧАСТЬ/видео_камера.avi');
    assert.equal(vid.displayPath, `${dir}/ДЕЖУРНАЯ ЧАСТЬ/видео_камера.avi`);
    assert.equal(readFileSync(vid.rawPath, 'utf8'), 'evidence');
    assert.equal(junk.relPath, 'A\ufffd\ufffd\ufffd');
  } finally {
    cleanup();
  }
});

test('walk: a root may be a file; a missing root is a problem and the walk goes on', async () => {
  const { dir, cleanup } = makeTempDir('walk-roots');
  try {
    const f = join(dir, 'single.mp4');
    writeFileSync(f, 'data');
    const missing = join(dir, 'nope');
    const es = await collect([missing, f]);
    assert.equal(es.length, 2);
    const [p, file] = es;
    assert.equal(p?.type, 'problem');
    assert.equal((p as FsProblem).status, 'not-found');
    assert.equal((p as FsProblem).reason, `root ${missing} does not exist (ENOENT)`);
    assert.equal(file?.type, 'file');
    assert.equal((file as FsFile).relPath, 'single.mp4');
    assert.equal((file as FsFile).root, f);
  } finally {
    cleanup();
  }
});

test('walk: symbolic links inside, outside, dangling and looping', async () => {
  const { dir, cleanup } = makeTempDir('walk-links');
  const outside = makeTempDir('walk-outside');
  try {
    const root = join(dir, 'usb');
    mkdirSync(join(root, 'cam1', 'sub'), { recursive: true });
    writeFileSync(join(root, 'cam1', 'v.mp4'), 'video');
    writeFileSync(join(outside.dir, 'secret'), 's');
    symlinkSync('cam1', join(root, 'latest'));
    symlinkSync('v.mp4', join(root, 'cam1', 'alias.mp4'));
    symlinkSync(join(outside.dir, 'secret'), join(root, 'out'));
    symlinkSync('missing-target', join(root, 'dangling'));
    symlinkSync('..', join(root, 'cam1', 'sub', 'up'));
    symlinkSync('self', join(root, 'self'));
    const es = await collect([root]);
    const byRel = new Map(es.map((e) => [e.relPath, e]));

    const alias = byRel.get('cam1/alias.mp4') as FsFile;
    assert.equal(alias.type, 'file');
    assert.deepEqual(alias.targetPath, Buffer.from(join(root, 'cam1', 'v.mp4')));
    assert.equal(alias.size, 5);
    // The linked directory is walked under the link's own name.
    assert.equal(byRel.get('latest/v.mp4')?.type, 'file');

    const out = byRel.get('out') as FsProblem;
    assert.equal(out.status, 'symlink-outside');
    assert.equal(out.reason, `symbolic link ${join(root, 'out')} points to '${join(outside.dir, 'secret')}' (${join(outside.dir, 'secret')}), outside the roots being walked; not followed`);

    const dangling = byRel.get('dangling') as FsProblem;
    assert.equal(dangling.status, 'symlink-dangling');
    assert.equal(dangling.reason, `symbolic link ${join(root, 'dangling')} points to 'missing-target', which does not exist (ENOENT)`);

    const up = byRel.get('cam1/sub/up') as FsProblem;
    assert.equal(up.status, 'symlink-loop');
    assert.match(up.reason, /points to '\.\.', the directory .*\/usb\/cam1 that contains it; not followed \(loop\)$/);

    const self = byRel.get('self') as FsProblem;
    assert.equal(self.status, 'symlink-loop');
    assert.match(self.reason, /cycle of symbolic links \(ELOOP\)/);

    // Following 'latest' reaches sub/up again: still reported as a loop, still finite.
    assert.equal((byRel.get('latest/sub/up') as FsProblem).status, 'symlink-loop');
    assert.equal(files(es).length, 4); // cam1/alias.mp4, cam1/v.mp4, latest/alias.mp4, latest/v.mp4
  } finally {
    cleanup();
    outside.cleanup();
  }
});

test("walk: followSymlinks 'never' reports every link instead of following it", async () => {
  const { dir, cleanup } = makeTempDir('walk-never');
  try {
    writeFileSync(join(dir, 'v.mp4'), 'v');
    symlinkSync('v.mp4', join(dir, 'link.mp4'));
    const es = await collect([dir], { followSymlinks: 'never' });
    assert.deepEqual(es.map((e) => [e.type, e.relPath]), [['problem', 'link.mp4'], ['file', 'v.mp4']]);
    assert.equal((es[0] as FsProblem).status, 'symlink-not-followed');
  } finally {
    cleanup();
  }
});

test('walk: a lattice of directory links stays linear, not exponential', async () => {
  const { dir, cleanup } = makeTempDir('walk-lattice');
  try {
    // d0 has l1,l2 -> d1; d1 has l1,l2 -> d2; ... Naively 2^12 paths (kept small so that a
    // broken guard fails this test quickly instead of hanging it).
    const depth = 12;
    for (let i = 0; i <= depth; i++) mkdirSync(join(dir, `d${i}`));
    for (let i = 0; i < depth; i++) {
      symlinkSync(`../d${i + 1}`, join(dir, `d${i}`, 'l1'));
      symlinkSync(`../d${i + 1}`, join(dir, `d${i}`, 'l2'));
    }
    writeFileSync(join(dir, `d${depth}`, 'leaf.mp4'), 'x');
    const started = Date.now();
    const es = await collect([dir]);
    assert.ok(Date.now() - started < 10_000);
    assert.ok(es.length < 200, `walk produced ${es.length} entries`);
    const repeat = problems(es).find((p) => /already entered through symbolic link/.test(p.reason));
    assert.ok(repeat, 'repeated link targets are reported');
  } finally {
    cleanup();
  }
});

test('walk: FIFOs and sockets are reported as special files and never opened', async () => {
  const { dir, cleanup } = makeTempDir('walk-special');
  const server = createServer();
  try {
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    await new Promise<void>((resolve) => server.listen(join(dir, 'sock'), resolve));
    writeFileSync(join(dir, 'z.mp4'), 'z');
    symlinkSync('pipe', join(dir, 'pipe-link'));
    const es = await collect([dir]);
    assert.deepEqual(es.map((e) => [e.relPath, e.type === 'problem' ? e.status : 'file']), [
      ['pipe', 'special-file'], ['pipe-link', 'special-file'], ['sock', 'special-file'], ['z.mp4', 'file'],
    ]);
    assert.equal((es[0] as FsProblem).reason, `${join(dir, 'pipe')} is a FIFO (named pipe); not opened`);
    assert.match((es[2] as FsProblem).reason, /is a socket; not opened$/);
    // As a root, too.
    const asRoot = await collect([join(dir, 'pipe')]);
    assert.equal((asRoot[0] as FsProblem).status, 'special-file');
  } finally {
    server.close();
    cleanup();
  }
});

test('walk: unreadable directory and file are reported and the walk goes on', async () => {
  const { dir, cleanup } = makeTempDir('walk-perm');
  try {
    mkdirSync(join(dir, 'cam3'));
    writeFileSync(join(dir, 'cam3', 'hidden.mp4'), 'x');
    writeFileSync(join(dir, 'locked.mp4'), 'x');
    writeFileSync(join(dir, 'ok.mp4'), 'x');
    chmodSync(join(dir, 'cam3'), 0o000);
    chmodSync(join(dir, 'locked.mp4'), 0o000);
    const url = new URL('./fs-walk.js', import.meta.url).href;
    const r = runModuleSnippet(`
      const { walkFs, totalSize } = await import(${JSON.stringify(url)});
      const out = [];
      for await (const e of walkFs([${JSON.stringify(dir)}])) out.push({ type: e.type, relPath: e.relPath, status: e.status, reason: e.reason });
      out.push(await totalSize([${JSON.stringify(dir)}]));
      console.log(JSON.stringify(out));
    `);
    chmodSync(join(dir, 'cam3'), 0o755);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(out, [
      { type: 'problem', relPath: 'cam3', status: 'permission-denied', reason: `permission denied reading directory ${dir}/cam3 (EACCES)` },
      { type: 'problem', relPath: 'locked.mp4', status: 'permission-denied', reason: `permission denied reading file ${dir}/locked.mp4 (EACCES)` },
      { type: 'file', relPath: 'ok.mp4' },
      // The stat-only pre-pass cannot know locked.mp4 is unreadable.
      { files: 2, bytes: 2 },
    ]);
  } finally {
    cleanup();
  }
});

test('totalSize: counts what the walk yields, by the same rules', async () => {
  const { dir, cleanup } = makeTempDir('walk-total');
  try {
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', '1'), Buffer.alloc(1000));
    writeFileSync(join(dir, '2'), Buffer.alloc(234));
    symlinkSync('a', join(dir, 'link'));
    symlinkSync('/etc/hostname', join(dir, 'outside'));
    assert.deepEqual(await totalSize([dir]), { files: 3, bytes: 2234 });
    assert.deepEqual(await totalSize([dir], { followSymlinks: 'never' }), { files: 2, bytes: 1234 });
    const walked = files(await collect([dir]));
    assert.equal(walked.length, 3);
  } finally {
    cleanup();
  }
});
