import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { locateMediaTools, runTool } from '@custodia/media';
import { CCTV_FONT_FILE } from '../testing/index.js';
import { OverlayOcr } from './tesseract.engine.js';

let dir: string;
let clockPgm: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'custodia-ocr-engine-'));
  clockPgm = join(dir, 'clock.pgm');
  const tools = await locateMediaTools();
  // A clean line as the locator hands it over: dark digits on a light ground.
  const r = await runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'color=c=white:s=640x80',
    '-vf', `drawtext=fontfile=${CCTV_FONT_FILE}:fontsize=48:fontcolor=black:x=20:y=16:text='2024-03-15 14\\:21\\:52'`,
    '-frames:v', '1', '-pix_fmt', 'gray', '-c:v', 'pgm', '-f', 'image2', clockPgm]);
  assert.equal(r.code, 0, r.stderrTail);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('refuses to start without local language data (never falls back to a download)', () => {
  assert.throws(() => new OverlayOcr({ engDir: join(dir, 'nowhere') }), /English OCR data is missing: .*eng\.traineddata\.gz/);
  assert.throws(() => new OverlayOcr({ rusFile: join(dir, 'rus.traineddata') }), /Russian OCR data is missing/);
  const noRus = new OverlayOcr({ rusFile: null });
  assert.equal(noRus.cyrillic, false);
  assert.doesNotMatch(noRus.version(), /rus/);
  return assert.rejects(noRus.readLine(Buffer.alloc(0), 'text', 'rus'), /no Russian OCR data/);
});

test('reads a clock line; workers are reused, closed, and started again on demand', async () => {
  const ocr = new OverlayOcr();
  try {
    const img = readFileSync(clockPgm);
    const a = await ocr.readLine(img, 'clock');
    assert.equal(a.text, '2024-03-15 14:21:52');
    const b = await ocr.readLine(img, 'clock');
    assert.equal(b.text, a.text);
    assert.equal(ocr.stats.calls, 2);
    await ocr.close();
    await ocr.close();
    const c = await ocr.readLine(img, 'clock');
    assert.equal(c.text, a.text);
    assert.match(ocr.version(), /^tesseract\.js 7\.\d+\.\d+; eng @tesseract\.js-data\/eng \S+ sha256:[0-9a-f]{12}/);
  } finally {
    await ocr.close();
  }
});

test('a process that used the shared workers ends: after close(), and by the idle timeout without it', () => {
  const index = fileURLToPath(new URL('./index.js', import.meta.url));
  for (const close of [true, false]) {
    const script = `
      import { readFileSync } from 'node:fs';
      import { OverlayOcr } from ${JSON.stringify(index)};
      const ocr = new OverlayOcr({ idleMs: 300 });
      const r = await ocr.readLine(readFileSync(${JSON.stringify(clockPgm)}), 'clock');
      console.log(JSON.stringify(r.text));
      ${close ? 'await ocr.close();' : ''}`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.signal, null, `close=${close}: the process did not end by itself`);
    assert.equal(r.status, 0, r.stderr);
    // Nothing but our own output on stdout (Tesseract's diagnostics are kept off it).
    assert.equal(r.stdout, '"2024-03-15 14:21:52"\n');
  }
});
