import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLANK_HASH, dhash32, hammingHex, hashToHex, hexToHash, phash32, popcount32 } from './frame-hash.js';
import { fingerprintFromFrames, resampleTo32 } from './fingerprint.js';
import { SYNTHETIC_FRAME, syntheticSceneFrames } from './testing-synthetic.js';

const { width: W, height: H } = SYNTHETIC_FRAME;

test('popcount and hex round trip', () => {
  assert.equal(popcount32(0), 0);
  assert.equal(popcount32(0xffffffff), 32);
  assert.equal(popcount32(0x80000001), 2);
  const [hi, lo] = hexToHash('8000000f00000001');
  assert.equal(hi, 0x8000000f);
  assert.equal(lo, 1);
  assert.equal(hashToHex(hi, lo), '8000000f00000001');
  assert.equal(hammingHex('ffffffffffffffff', '0000000000000000'), 64);
  assert.throws(() => hexToHash('xyz'), TypeError);
  assert.throws(() => hexToHash('8000000f0000000'), TypeError);
});

test('uniform frames hash to the blank sentinel; real frames have the top bit and 32 bits set', () => {
  const grey = new Uint8Array(32 * 32).fill(90);
  assert.equal(hashToHex(...phash32(grey)), BLANK_HASH);
  assert.equal(hashToHex(...dhash32(grey)), BLANK_HASH);
  const frame = resampleTo32(syntheticSceneFrames({ seconds: 1, fps: 1 })[0]!, W, H);
  const [hi, lo] = phash32(frame);
  assert.ok(hi & 0x80000000);
  // 31 of the 63 AC coefficients lie above their median, plus the forced top bit
  assert.equal(popcount32(hi) + popcount32(lo), 32);
  assert.throws(() => phash32(new Uint8Array(10)), RangeError);
});

test('pHash survives brightness, contrast, noise and resampling; a moving box changes it', () => {
  const base = fingerprintFromFrames(syntheticSceneFrames({ seconds: 1, fps: 1, noise: 0 }), SYNTHETIC_FRAME).hashes[0]!;
  const variants = [
    { brightness: 25 }, { brightness: -20, contrast: 1.2 }, { contrast: 0.8 }, { noise: 12, seed: 5 },
  ].map((v) => fingerprintFromFrames(syntheticSceneFrames({ seconds: 1, fps: 1, noise: 0, ...v }), SYNTHETIC_FRAME).hashes[0]!);
  for (const v of variants) assert.ok(hammingHex(base, v) <= 4, `${base} vs ${v}: ${hammingHex(base, v)} bits`);
  // the same picture at another resolution (nearest-neighbour 2× upscale, box-filtered back)
  const small = syntheticSceneFrames({ seconds: 1, fps: 1, noise: 0 })[0]!;
  const big = new Uint8Array(W * 2 * H * 2);
  for (let y = 0; y < H * 2; y++) for (let x = 0; x < W * 2; x++) big[y * W * 2 + x] = small[(y >> 1) * W + (x >> 1)]!;
  const up = fingerprintFromFrames([big], { width: W * 2, height: H * 2 }).hashes[0]!;
  assert.ok(hammingHex(base, up) <= 2, `resampled: ${hammingHex(base, up)} bits`);
  const withBox = fingerprintFromFrames(
    syntheticSceneFrames({ seconds: 1, fps: 1, noise: 0, boxes: [{ startSec: -1, durSec: 2, y: 10, w: 10, h: 30, luma: 30 }] }),
    SYNTHETIC_FRAME,
  ).hashes[0]!;
  assert.ok(hammingHex(base, withBox) >= 10, `box: ${hammingHex(base, withBox)} bits`);
});
