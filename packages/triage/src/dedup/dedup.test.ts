// End to end with real ffmpeg: CCTV-like clips exported several ways must group together (with the
// offset of the trimmed one); other recordings of the same camera and other scenes must not.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateMediaTools, MediaProcessError, probe, type MediaTools } from '@custodia/media';
import { hasEncoder } from '@custodia/media/testing';
import { hammingHex } from './frame-hash.js';
import { fingerprintArgs, fingerprintVideo, type VideoFingerprint } from './fingerprint.js';
import { matchFingerprints } from './match.js';
import { NearDuplicateIndex } from './near-duplicate-index.js';
import { CORPUS_RECORDINGS, inPool, makeClipVariant, makeSceneClip, type ClipVariant } from './testing-clips.js';

let tools: MediaTools;
let dir: string;
const files = new Map<string, string>();
const fps = new Map<string, VideoFingerprint>();
let REENCODES: string[] = ['bitrate-100k', 'resize-640x360', 'resize-160x120', 'mjpeg', 'hevc', 'brighter'];
const TRIM_START = 12.4;
let rawFp: VideoFingerprint;

before(async () => {
  tools = await locateMediaTools();
  dir = mkdtempSync(join(tmpdir(), 'custodia-dedup-'));
  // The recording, another recording of the same corridor (people at other times), another scene.
  await inPool([['original', 'corridor1'], ['same-camera-other-day', 'corridor2'], ['other-scene', 'yard1']] as const, 2, async ([name, rec]) => {
    files.set(name, await makeSceneClip(tools, dir, name, CORPUS_RECORDINGS[rec]!));
  });
  // Debian's ffmpeg has libx265; a minimal build may not.
  if (!(await hasEncoder(tools, 'libx265'))) REENCODES = REENCODES.filter((n) => n !== 'hevc');
  const allVariants: [string, ClipVariant][] = [
    ['bitrate-100k', { kind: 'bitrate', kbps: 100 }],
    ['resize-640x360', { kind: 'resize', width: 640, height: 360 }],
    ['resize-160x120', { kind: 'resize', width: 160, height: 120 }],
    ['mjpeg', { kind: 'mjpeg' }],
    ['hevc', { kind: 'hevc' }],
    ['brighter', { kind: 'brightness', brightness: 0.08, contrast: 1.15 }],
    ['trim-10s', { kind: 'trim', startSec: TRIM_START, durSec: 10 }],
    ['raw-h264', { kind: 'raw-h264' }],
  ];
  const variants = allVariants.filter(([name]) => name === 'trim-10s' || name === 'raw-h264' || REENCODES.includes(name));
  await inPool(variants, 2, async ([name, v]) => files.set(name, await makeClipVariant(tools, files.get('original')!, dir, name, v)));
  const raw = files.get('raw-h264')!;
  files.delete('raw-h264');
  await inPool([...files], 2, async ([name, f]) => fps.set(name, await fingerprintVideo(tools, f)));
  rawFp = await fingerprintVideo(tools, raw, { probe: await probe(tools, raw) });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('re-encoded, resized, MJPEG, HEVC and brightened exports are the same recording at offset ≈ 0', () => {
  const original = fps.get('original')!;
  assert.ok(Math.abs(original.durationSec - 40) <= 0.5, `duration ${original.durationSec}`);
  for (const name of REENCODES) {
    const m = matchFingerprints(original, fps.get(name)!);
    assert.equal(m.similar, true, `${name}: ${JSON.stringify(m)}`);
    assert.equal(m.kind, 'same-recording', name);
    assert.ok(Math.abs(m.offsetSec) <= 0.5, `${name}: offset ${m.offsetSec}`);
  }
});

test('a raw H.264 stream with B-frames, read with its probe, is the same recording', () => {
  assert.ok(Math.abs(rawFp.durationSec - 40) <= 0.5, `duration ${rawFp.durationSec}`);
  const m = matchFingerprints(fps.get('original')!, rawFp);
  assert.equal(m.similar, true, JSON.stringify(m));
  assert.equal(m.kind, 'same-recording');
  assert.ok(Math.abs(m.offsetSec) <= 0.5);
});

test('a 10 s clip cut at 12.4 s is a segment of the recording, at 12.4 s', () => {
  for (const source of ['original', ...REENCODES]) {
    const m = matchFingerprints(fps.get(source)!, fps.get('trim-10s')!);
    assert.equal(m.similar, true, `${source}: ${JSON.stringify(m)}`);
    assert.equal(m.kind, 'segment-of', source);
    assert.ok(Math.abs(m.offsetSec - TRIM_START) <= 1, `${source}: offset ${m.offsetSec}`);
  }
  const back = matchFingerprints(fps.get('trim-10s')!, fps.get('original')!);
  assert.equal(back.kind, 'contains');
  assert.ok(Math.abs(back.offsetSec + TRIM_START) <= 1);
});

test('another recording of the same static corridor, people at other times, is not similar', () => {
  const original = fps.get('original')!;
  const other = fps.get('same-camera-other-day')!;
  // The trap: the empty corridor hashes alike in both (frame 0 is empty in both).
  assert.ok(hammingHex(original.hashes[0]!, other.hashes[0]!) <= 6);
  for (const name of ['original', 'bitrate-100k', 'trim-10s']) {
    const m = matchFingerprints(fps.get(name)!, other, { search: 'exhaustive' });
    assert.equal(m.similar, false, `${name}: ${JSON.stringify(m)}`);
  }
});

test('a different scene is not similar', () => {
  for (const name of ['original', 'trim-10s', 'same-camera-other-day']) {
    assert.equal(matchFingerprints(fps.get(name)!, fps.get('other-scene')!, { search: 'exhaustive' }).similar, false, name);
  }
});

test('groups() puts the copies together, with the trim at its offset', () => {
  const idx = new NearDuplicateIndex();
  for (const [name, fp] of fps) idx.add(name, fp);
  const groups = idx.groups();
  assert.equal(groups.length, 1, JSON.stringify(groups));
  const g = groups[0]!;
  const members = new Map(g.members.map((m) => [m.id, m.offsetSec]));
  assert.deepEqual([...members.keys()].sort(), ['original', ...REENCODES, 'trim-10s'].sort());
  assert.ok(Math.abs(members.get('trim-10s')! - TRIM_START) <= 1, `trim at ${members.get('trim-10s')}`);
  for (const name of REENCODES) assert.ok(Math.abs(members.get(name)!) <= 0.5, `${name} at ${members.get(name)}`);
  const hits = idx.query(fps.get('trim-10s')!, { excludeId: 'trim-10s' });
  assert.ok(hits.length >= 7 && hits.every((h) => h.kind === 'contains'), JSON.stringify(hits.map((h) => [h.id, h.kind])));
});

test('pHash is more robust than dHash on these exports (measured)', async (t) => {
  const mean = (a: VideoFingerprint, b: VideoFingerprint): number => {
    const n = Math.min(a.hashes.length, b.hashes.length);
    let s = 0;
    for (let i = 0; i < n; i++) s += hammingHex(a.hashes[i]!, b.hashes[i]!);
    return s / n;
  };
  const names = ['original', 'bitrate-100k', 'resize-160x120', 'mjpeg'];
  const dh = new Map<string, VideoFingerprint>();
  for (const n of names) dh.set(n, await fingerprintVideo(tools, files.get(n)!, { algorithm: 'dhash' }));
  for (const n of names.slice(1)) {
    const p = mean(fps.get('original')!, fps.get(n)!);
    const d = mean(dh.get('original')!, dh.get(n)!);
    t.diagnostic(`${n}: mean bits differing per frame, pHash ${p.toFixed(2)}, dHash ${d.toFixed(2)}`);
    assert.ok(p < d, `${n}: pHash ${p} vs dHash ${d}`);
  }
});

test('fingerprinting: safe arguments, abort kills ffmpeg, a non-video is refused', async () => {
  const args = fingerprintArgs('/tmp/x y.mp4');
  assert.equal(args[0], '-nostdin');
  assert.ok(args.includes('-protocol_whitelist') && args.includes('file:/tmp/x y.mp4'));
  assert.ok(args.at(-1) === 'pipe:1');

  const ac = new AbortController();
  let pid = 0;
  const run = fingerprintVideo(tools, files.get('original')!, {
    signal: ac.signal,
    onSpawn: (p) => {
      pid = p;
      ac.abort(new Error('stop'));
    },
  });
  await assert.rejects(run, /stop/);
  assert.ok(pid > 0);
  await new Promise((r) => setTimeout(r, 50));
  assert.throws(() => process.kill(pid, 0), /ESRCH/);

  const text = join(dir, 'note.mp4');
  writeFileSync(text, 'not a video\n'.repeat(100));
  await assert.rejects(fingerprintVideo(tools, text), MediaProcessError);
});
