import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { locateMediaTools, MediaToolMissingError, parseToolVersion, DEMUXER_ALLOWLIST, demuxerName } from './media-tools.js';
import { lastLines, MediaTimeoutError, ProgressParser, runTool, STDERR_TAIL_BYTES } from './run-tool.js';

test('locateMediaTools finds ffmpeg and ffprobe and reads the version', async () => {
  const tools = await locateMediaTools();
  assert.ok(existsSync(tools.ffmpeg) && existsSync(tools.ffprobe));
  assert.match(tools.version, /^ffmpeg \d+\.\d+(\.\d+)?$/);
});

test('CUSTODIA_FFMPEG pointing at a missing file: a clear error naming the tool and how to install it', async () => {
  const err = await locateMediaTools({ ...process.env, CUSTODIA_FFMPEG: '/nonexistent/bin/ffmpeg' }).then(
    () => assert.fail('should have thrown'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof MediaToolMissingError);
  assert.equal(err.tool, 'ffmpeg');
  assert.match(err.message, /^ffmpeg is missing: CUSTODIA_FFMPEG points at \/nonexistent\/bin\/ffmpeg/);
  assert.match(err.message, /apt-get install ffmpeg/);
  assert.match(err.message, /npm run setup/);
});

test('CUSTODIA_FFPROBE honoured; nothing on PATH is an error naming ffprobe', async () => {
  const real = await locateMediaTools();
  const viaEnv = await locateMediaTools({ PATH: '', CUSTODIA_FFMPEG: real.ffmpeg, CUSTODIA_FFPROBE: real.ffprobe });
  assert.equal(viaEnv.ffprobe, real.ffprobe);
  await assert.rejects(locateMediaTools({ PATH: '/nonexistent', CUSTODIA_FFMPEG: real.ffmpeg }), (e: unknown) => {
    assert.ok(e instanceof MediaToolMissingError);
    assert.equal(e.tool, 'ffprobe');
    assert.match(e.message, /no executable named ffprobe on PATH/);
    return true;
  });
});

test('a file that is not ffmpeg is refused', async () => {
  await assert.rejects(locateMediaTools({ PATH: '', CUSTODIA_FFMPEG: '/bin/true', CUSTODIA_FFPROBE: '/bin/true' }), MediaToolMissingError);
});

test('parseToolVersion', () => {
  assert.equal(parseToolVersion('ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024'), 'ffmpeg 5.1.6');
  assert.equal(parseToolVersion('ffmpeg version n6.1.1 Copyright'), 'ffmpeg 6.1.1');
  assert.equal(parseToolVersion('ffmpeg version N-112233-gabcdef Copyright'), 'ffmpeg N-112233-gabcdef');
  assert.equal(parseToolVersion('ffprobe version 5.1.9-0+deb12u1', 'ffprobe'), 'ffprobe 5.1.9');
  assert.equal(parseToolVersion('something else'), null);
});

test('demuxer allowlist: no playlist or reference formats', () => {
  for (const bad of ['hls', 'dash', 'concat', 'imf', 'webm_dash_manifest', 'sdp', 'rtsp', 'lavfi']) assert.ok(!DEMUXER_ALLOWLIST.includes(bad), bad);
  assert.equal(demuxerName('mov,mp4,m4a,3gp,3g2,mj2'), 'mov');
  assert.equal(demuxerName(null), null);
});

test('runTool: an AbortSignal kills the process', async () => {
  const ac = new AbortController();
  let pid = 0;
  const p = runTool('/bin/sleep', ['30'], { signal: ac.signal, onSpawn: (n) => (pid = n) });
  setTimeout(() => ac.abort(), 50);
  const t0 = Date.now();
  await assert.rejects(p, (e: unknown) => (e as Error).name === 'AbortError');
  assert.ok(Date.now() - t0 < 5000);
  assert.ok(pid > 0);
  assert.ok(!existsSync(`/proc/${pid}`), 'the killed process is gone');
});

test('runTool: a timeout kills the process with MediaTimeoutError', async () => {
  await assert.rejects(runTool('/bin/sleep', ['30'], { timeoutMs: 100 }), MediaTimeoutError);
});

test('runTool: stderr is kept to a bounded tail with the last lines intact; stdout bounded', async () => {
  const script = "for (let i = 0; i < 20000; i++) process.stderr.write('line ' + i + ' ' + 'x'.repeat(40) + '\\n'); process.stderr.write('LAST ERROR\\n');";
  const r = await runTool(process.execPath, ['-e', script]);
  assert.equal(r.code, 0);
  assert.ok(r.stderrTail.length <= STDERR_TAIL_BYTES, String(r.stderrTail.length));
  assert.ok(r.stderrTail.endsWith('LAST ERROR\n'));
  assert.equal(lastLines(r.stderrTail, 1), 'LAST ERROR');
  await assert.rejects(runTool(process.execPath, ['-e', "process.stdout.write('y'.repeat(100000))"], { maxStdoutBytes: 1000 }), /more than 1000 bytes/);
});

test('ProgressParser reads ffmpeg -progress blocks', () => {
  const seen: number[] = [];
  const p = new ProgressParser((s) => seen.push(s));
  for (const l of ['frame=10', 'out_time_us=400000', 'progress=continue', 'frame=100', 'out_time_us=3960000', 'out_time_us=N/A', 'progress=end']) p.line(l);
  assert.deepEqual(seen, [0.4, 3.96]);
  assert.equal(p.frame, 100);
  assert.ok(p.ended);
});
