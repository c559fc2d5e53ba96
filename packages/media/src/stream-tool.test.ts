import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locateMediaTools } from './media-tools.js';
import { MediaTimeoutError } from './run-tool.js';
import { streamTool } from './stream-tool.js';

const gone = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

/** 64×48 grey frames of a test pattern at 25 frames/s, `seconds` long, raw on stdout. */
const rawArgs = (seconds: number): string[] => [
  '-nostdin', '-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=64x48:r=25:d=${seconds}`, '-f', 'rawvideo', '-pix_fmt', 'gray', '-',
];

test('streamTool hands over every byte of stdout in order and the exit code', async () => {
  const tools = await locateMediaTools();
  let bytes = 0;
  const r = await streamTool(tools.ffmpeg, rawArgs(2), (b) => {
    bytes += b.length;
  });
  assert.equal(r.code, 0);
  assert.equal(bytes, 64 * 48 * 50);
});

test('a callback that throws kills ffmpeg and the run rejects with that error', async () => {
  const tools = await locateMediaTools();
  let pid = 0;
  const boom = new Error('bad frame');
  await assert.rejects(
    streamTool(tools.ffmpeg, rawArgs(600), () => {
      throw boom;
    }, { onSpawn: (p) => (pid = p) }),
    (e: unknown) => e === boom,
  );
  assert.ok(pid > 0 && gone(pid), 'ffmpeg is gone');
});

test('abort and timeout kill the process; an upstream failure is reported by its exit code', async () => {
  const tools = await locateMediaTools();
  const ac = new AbortController();
  let pid = 0;
  const run = streamTool(tools.ffmpeg, rawArgs(600), () => ac.abort(new Error('stop')), { signal: ac.signal, onSpawn: (p) => (pid = p) });
  await assert.rejects(run, /stop/);
  assert.ok(gone(pid));

  await assert.rejects(
    streamTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=s=64x48:r=25:d=600', '-f', 'null', '-'], () => {}, { timeoutMs: 300 }),
    (e: unknown) => e instanceof MediaTimeoutError && /did not finish within/.test(e.message),
  );

  // The upstream cannot open its input: the main process sees an empty stdin and exits 0 or not,
  // but the run reports a failure with the upstream's own words in the tail.
  const r = await streamTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-f', 'mpegts', '-i', 'pipe:0', '-f', 'null', '-'], () => {}, {
    upstream: ['-nostdin', '-v', 'error', '-i', '/nonexistent/input.mp4', '-c', 'copy', '-f', 'mpegts', 'pipe:1'],
  });
  assert.notEqual(r.code, 0);
  assert.match(r.stderrTail, /nonexistent\/input\.mp4/);
});
