import { execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink, truncate, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildZip } from '@custodia/acquire/testing';
import iconv from 'iconv-lite';

/** Makes a short H.264 MP4 (index at the end, as DVR exports usually have it) with ffmpeg's test sources. */
export function makeVideo(path: string, opts: { seconds?: number; pattern?: string; format?: string } = {}): void {
  const seconds = opts.seconds ?? 2;
  const pattern = opts.pattern ?? 'testsrc';
  execFileSync(
    'ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', `${pattern}=size=320x240:rate=10`, '-t', String(seconds),
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
      ...(opts.format ? ['-f', opts.format] : []),
      path,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

export interface EvidenceFixture {
  root: string;
  expected: Record<string, { status: string; kind?: string }>;
}

/**
 * A USB dump as an NGO receives it: good videos, an exact duplicate, a file cut off half-way, a raw
 * H.264 stream with a Cyrillic name, an empty file, a zip whose names are cp866 (as Russian Windows
 * writes them), a damaged and hostile zip, a dangling link, a symlink loop and a FIFO.
 */
export async function makeEvidenceFolder(root: string): Promise<EvidenceFixture> {
  await mkdir(join(root, 'cam1'), { recursive: true });
  await mkdir(join(root, 'cam2'), { recursive: true });
  await mkdir(join(root, 'cam3'), { recursive: true });
  await mkdir(join(root, 'links'), { recursive: true });
  makeVideo(join(root, 'cam1', '2021-06-01_08-00.mp4'), { pattern: 'testsrc' });
  await copyFile(join(root, 'cam1', '2021-06-01_08-00.mp4'), join(root, 'cam1', '2021-06-01_08-00 (copy).mp4'));
  makeVideo(join(root, 'cam2', 'export_0314.mp4'), { pattern: 'smptebars' });
  makeVideo(join(root, 'cam2', 'cut_off.mp4'), { pattern: 'mandelbrot', seconds: 3 });
  const full = (await readFile(join(root, 'cam2', 'cut_off.mp4'))).length;
  await truncate(join(root, 'cam2', 'cut_off.mp4'), Math.floor(full * 0.55));
  makeVideo(join(root, 'cam3', 'КАМЕРА 3.h264'), { pattern: 'rgbtestsrc', format: 'h264' });
  await writeFile(join(root, 'empty.dat'), Buffer.alloc(0));
  const member = await readFile(join(root, 'cam2', 'export_0314.mp4'));
  const zip = buildZip([
    { name: iconv.encode('КАМЕРА 1/запись.mp4', 'cp866'), data: member, method: 'deflate' },
    { name: iconv.encode('ПОДЪЕЗД.txt', 'cp866'), data: Buffer.from('журнал дежурств\n', 'utf8'), method: 'deflate' },
  ]);
  await writeFile(join(root, 'archive.zip'), zip);
  // A hostile or damaged archive: a member failing its CRC, an encrypted one, one named to escape.
  const bad = buildZip([
    { name: 'crc.txt', data: Buffer.from('this member was damaged in transit'), crc: 0x12345678 },
    { name: 'secret.txt', data: Buffer.from('ciphertext'), encrypted: true },
    { name: '../escape.txt', data: Buffer.from('zip slip attempt') },
  ]);
  await writeFile(join(root, 'bad.zip'), bad);
  await symlink(join(root, 'nowhere'), join(root, 'links', 'dangling'));
  await symlink('..', join(root, 'links', 'loop'));
  execFileSync('mkfifo', [join(root, 'links', 'fifo')]);
  return {
    root,
    expected: {
      'cam1/2021-06-01_08-00.mp4': { status: 'ok', kind: 'video' },
      'cam1/2021-06-01_08-00 (copy).mp4': { status: 'ok', kind: 'video' },
      'cam2/export_0314.mp4': { status: 'ok', kind: 'video' },
      'cam2/cut_off.mp4': { status: 'truncated', kind: 'video' },
      'cam3/КАМЕРА 3.h264': { status: 'ok', kind: 'video' },
      'empty.dat': { status: 'empty' },
      'archive.zip': { status: 'ok', kind: 'archive' },
      'archive.zip!/КАМЕРА 1/запись.mp4': { status: 'ok', kind: 'video' },
      'archive.zip!/ПОДЪЕЗД.txt': { status: 'ok', kind: 'document' },
      'bad.zip': { status: 'ok', kind: 'archive' },
      'bad.zip!/crc.txt': { status: 'corrupt' },
      'bad.zip!/secret.txt': { status: 'encrypted' },
      'bad.zip!/../escape.txt': { status: 'unsafe-name' },
      'links/dangling': { status: 'symlink-dangling' },
      'links/loop': { status: 'symlink-loop' },
      'links/fifo': { status: 'special-file' },
    },
  };
}
