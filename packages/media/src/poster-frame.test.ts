import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateMediaTools } from './media-tools.js';
import { posterFrame } from './poster-frame.js';
import { MediaProcessError } from './run-tool.js';

const clip = (path: string, seconds: number, size = '1920x1080') =>
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=10`, '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path]);
const jpegSize = (b: Buffer): { w: number; h: number } => {
  // The first SOF0/SOF2 marker holds the height and width.
  for (let i = 2; i < b.length - 9; ) {
    const marker = b[i + 1]!;
    const len = b.readUInt16BE(i + 2);
    if (marker === 0xc0 || marker === 0xc2) return { h: b.readUInt16BE(i + 5), w: b.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  throw new Error('no SOF marker');
};

test('posterFrame: a JPEG at most 1280 wide; a clip shorter than the seek point gives its first frame; a non-video fails clearly', async () => {
  const tools = await locateMediaTools();
  const dir = await mkdtemp(join(tmpdir(), 'custodia-poster-'));
  try {
    clip(join(dir, 'long.mp4'), 3);
    await posterFrame(tools, join(dir, 'long.mp4'), join(dir, 'long.jpg'));
    const long = await readFile(join(dir, 'long.jpg'));
    assert.deepEqual([...long.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    assert.deepEqual(jpegSize(long), { w: 1280, h: 720 });

    clip(join(dir, 'short.mp4'), 0.3, '320x240');
    await posterFrame(tools, join(dir, 'short.mp4'), join(dir, 'short.jpg'), 1);
    assert.deepEqual(jpegSize(await readFile(join(dir, 'short.jpg'))), { w: 320, h: 240 });

    await writeFile(join(dir, 'not-video.mp4'), 'this is not a video');
    await assert.rejects(posterFrame(tools, join(dir, 'not-video.mp4'), join(dir, 'x.jpg')), (e: unknown) => e instanceof MediaProcessError && /not-video\.mp4/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
