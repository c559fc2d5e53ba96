import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { locateMediaTools, runTool, type MediaTools } from '@custodia/media';
import { makeCctvClip } from '../testing/index.js';
import { readOverlay, type OverlayResult } from './read-overlay.js';
import { OverlayOcr } from './tesseract.engine.js';

let tools: MediaTools;
let dir: string;
let ocr: OverlayOcr;

// 2024-03-15 14:21:52 UTC, the generator's default clock.
const START = 1710512512;
const iso = (epoch: number) => new Date(epoch * 1000).toISOString();

before(async () => {
  tools = await locateMediaTools();
  dir = mkdtempSync(join(tmpdir(), 'custodia-overlay-'));
  ocr = new OverlayOcr();
});
after(async () => {
  await ocr.close();
  rmSync(dir, { recursive: true, force: true });
});

const read = (path: string, durationSec: number, extra: { creationTime?: string } = {}): Promise<OverlayResult> =>
  readOverlay(tools, path, { ocr, durationSec, ...extra });

test('reads the start time exactly and the camera label, whatever the clock format and place', async () => {
  const cases = [
    { name: 'ymd.mp4', clock: { startEpoch: START }, label: 'CAM 12' },
    { name: 'dmy.mp4', clock: { startEpoch: START + 3 * 86400 + 3600, format: '%d.%m.%Y %H:%M:%S', position: 'bottom-right' as const, box: true, fontSize: 24 }, label: 'CAM 7' },
    { name: 'mdy.mp4', clock: { startEpoch: START - 40000, format: '%m/%d/%Y %I:%M:%S %p', position: 'top-right' as const, fontSize: 34 }, label: 'GATE 2' },
  ];
  for (const c of cases) {
    const clip = await makeCctvClip(join(dir, c.name), { durationSec: 4, clock: c.clock, label: c.label, seed: 2 }, { tools });
    const r = await read(clip.path, 4);
    assert.equal(r.startTime, iso(c.clock.startEpoch), `${c.name}: ${JSON.stringify(r)}`);
    assert.equal(r.cameraLabel, c.label, `${c.name}: ${JSON.stringify(r)}`);
    assert.deepEqual(r.flags, [], c.name);
    assert.ok(r.confidence > 0.2, `${c.name}: confidence ${r.confidence}`);
    assert.ok(r.readings.filter((x) => x.kind === 'clock' && x.time).length >= 3, c.name);
  }
});

test('reads a Cyrillic camera label beside a Latin one', async (t) => {
  if (!ocr.cyrillic) {
    t.skip('Debian tesseract-ocr-rus is not installed (/usr/share/tesseract-ocr/*/tessdata/rus.traineddata): Cyrillic cannot be read');
    return;
  }
  const a = await makeCctvClip(join(dir, 'ru.mp4'), { durationSec: 4, label: 'КАМЕРА 3 ПОДЪЕЗД', clock: { prefix: 'ПТ', format: '%d.%m.%Y %H:%M:%S', position: 'bottom-right' } }, { tools });
  const ra = await read(a.path, 4);
  assert.equal(ra.cameraLabel, 'КАМЕРА 3 ПОДЪЕЗД', JSON.stringify(ra));
  assert.equal(ra.startTime, iso(START));
  const b = await makeCctvClip(join(dir, 'mixed.mp4'), { durationSec: 4 }, { tools }); // «CAM 3  КАМЕРА 3»
  const rb = await read(b.path, 4);
  assert.equal(rb.cameraLabel, 'CAM 3 КАМЕРА 3', JSON.stringify(rb));
});

test('a recording cut and joined (the clock jumps) is flagged where it happens', async () => {
  const clip = await makeCctvClip(join(dir, 'jump.mp4'), { durationSec: 8, clock: { jump: { atSec: 5, bySec: 3600 } } }, { tools });
  const r = await read(clip.path, 8);
  const jumps = r.flags.filter((f) => f.kind === 'clock-jump');
  assert.equal(jumps.length, 1, JSON.stringify(r.flags));
  const j = jumps[0]!;
  assert.ok(j.kind === 'clock-jump' && j.fromSec === 4 && j.toSec === 5, JSON.stringify(j));
  assert.ok(j.kind === 'clock-jump' && Math.abs(j.jumpSec - 3600) <= 1, JSON.stringify(j));
  // The part before the cut (as long as the part after) gives the start.
  assert.equal(r.startTime, iso(START));
});

test('a container creation_time two hours off the burned-in clock is flagged with both', async () => {
  const created = iso(START + 7200);
  const clip = await makeCctvClip(join(dir, 'meta.mp4'), { durationSec: 4, creationTime: created }, { tools });
  const probe = (await import('@custodia/media')).probe;
  const facts = await probe(tools, clip.path);
  const creationTime = facts.tags?.creationTime ?? null;
  assert.ok(creationTime, `creation_time written: ${JSON.stringify(facts.tags)}`);
  const r = await read(clip.path, 4, { creationTime });
  const m = r.flags.find((f) => f.kind === 'metadata-mismatch');
  assert.ok(m && m.kind === 'metadata-mismatch', JSON.stringify(r.flags));
  assert.equal(m.overlayStart, iso(START));
  assert.equal(m.creationTime, created);
  assert.equal(m.differenceSec, -7200);
  // Within the tolerance: no flag.
  const near = await read(clip.path, 4, { creationTime: iso(START + 120) });
  assert.deepEqual(near.flags, []);
});

test('a video without an overlay, or without a picture, ends with a reason', async () => {
  const clip = await makeCctvClip(join(dir, 'bare.mp4'), { durationSec: 3, clock: false, label: false }, { tools });
  const r = await read(clip.path, 3);
  assert.equal(r.startTime, null);
  assert.equal(r.cameraLabel, null);
  assert.equal(r.confidence, 0);
  const u = r.flags.find((f) => f.kind === 'unreadable');
  assert.ok(u && u.kind === 'unreadable' && /no burned-in text|none reads as a date/.test(u.reason), JSON.stringify(r.flags));

  const audio = join(dir, 'audio.m4a');
  await runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:a', 'aac', audio]);
  const ra = await read(audio, 2);
  const ua = ra.flags.find((f) => f.kind === 'unreadable');
  assert.ok(ua && ua.kind === 'unreadable' && /no frame could be decoded/.test(ua.reason), JSON.stringify(ra.flags));
});
