// 64-bit perceptual hashes of small gray frames, and Hamming distance on them.
//
// A hash is held as two unsigned 32-bit halves (hi, lo): JavaScript has no fast 64-bit integer, and
// two Uint32Arrays index and compare far faster than bigint. On the wire it is 16 hex characters.
//
// The all-zero hash is reserved: it marks a near-uniform frame (black, grey, a lens cap, a camera
// waking up) whose hash bits would only be noise. Real hashes always have their top bit set.

export type HashAlgorithm = 'phash' | 'dhash';

/** The hex form of a blank (near-uniform) frame. */
export const BLANK_HASH = '0000000000000000';

/** Frames whose luma standard deviation (0–255 scale) is below this are blank. */
export const BLANK_STDDEV = 3;

/** Side of the square gray frames hashed (ffmpeg scales every frame to SIZE×SIZE). */
export const FRAME_SIZE = 32;

/** popcount of a 32-bit value. */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Hamming distance between two 64-bit hashes given as halves. */
export function hamming64(aHi: number, aLo: number, bHi: number, bLo: number): number {
  return popcount32((aHi ^ bHi) >>> 0) + popcount32((aLo ^ bLo) >>> 0);
}

export function hashToHex(hi: number, lo: number): string {
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

const HEX64 = /^[0-9a-f]{16}$/i;

/** Parses a 16-hex-character hash into halves; throws on anything else. */
export function hexToHash(hex: string): [hi: number, lo: number] {
  if (!HEX64.test(hex)) throw new TypeError(`not a 64-bit hex hash: ${JSON.stringify(hex.slice(0, 40))}`);
  return [Number.parseInt(hex.slice(0, 8), 16) >>> 0, Number.parseInt(hex.slice(8), 16) >>> 0];
}

/** Hamming distance between two hex hashes. */
export function hammingHex(a: string, b: string): number {
  const [ah, al] = hexToHash(a);
  const [bh, bl] = hexToHash(b);
  return hamming64(ah, al, bh, bl);
}

// cos((2x+1)uπ/2N) for u < 8 (only the 8×8 lowest frequencies are ever needed), N = 32.
const N = FRAME_SIZE;
const COS = (() => {
  const t = new Float64Array(8 * N);
  for (let u = 0; u < 8; u++) for (let x = 0; x < N; x++) t[u * N + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * N));
  return t;
})();

function stddev(px: Uint8Array): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < px.length; i++) {
    const v = px[i]!;
    s += v;
    s2 += v * v;
  }
  const m = s / px.length;
  return Math.sqrt(Math.max(0, s2 / px.length - m * m));
}

/** Packs 64 bits (bits[0] = most significant) into halves, forcing the top bit on. */
function pack(bits: ArrayLike<number>): [number, number] {
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 32; i++) hi = (hi << 1) | (bits[i]! ? 1 : 0);
  for (let i = 32; i < 64; i++) lo = (lo << 1) | (bits[i]! ? 1 : 0);
  return [(hi | 0x80000000) >>> 0, lo >>> 0];
}

const scratchRows = new Float64Array(N * 8);
const scratchCoef = new Float64Array(64);
const scratchSorted = new Float64Array(63);
const scratchBits = new Uint8Array(64);

/**
 * DCT pHash: the 8×8 lowest-frequency DCT-II coefficients of the 32×32 frame; each AC coefficient
 * gives one bit (above the median of the 63 AC coefficients or not). The DC slot carries no
 * information (it is the mean brightness) and is the always-set top bit. Invariant to brightness
 * offsets and contrast scaling; robust to re-encoding and resizing.
 */
export function phash32(px: Uint8Array): [number, number] {
  if (px.length !== N * N) throw new RangeError(`phash32 needs ${N}×${N} = ${N * N} bytes, got ${px.length}`);
  if (stddev(px) < BLANK_STDDEV) return [0, 0];
  // Rows first: R[y][u] = Σx px[y][x]·cos(u, x)
  for (let y = 0; y < N; y++) {
    const row = y * N;
    for (let u = 0; u < 8; u++) {
      let s = 0;
      const c = u * N;
      for (let x = 0; x < N; x++) s += px[row + x]! * COS[c + x]!;
      scratchRows[y * 8 + u] = s;
    }
  }
  // Then columns: C[v][u] = Σy R[y][u]·cos(v, y)
  for (let v = 0; v < 8; v++) {
    const c = v * N;
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let y = 0; y < N; y++) s += scratchRows[y * 8 + u]! * COS[c + y]!;
      scratchCoef[v * 8 + u] = s;
    }
  }
  for (let i = 1; i < 64; i++) scratchSorted[i - 1] = scratchCoef[i]!;
  scratchSorted.sort();
  const median = scratchSorted[31]!;
  scratchBits[0] = 1;
  for (let i = 1; i < 64; i++) scratchBits[i] = scratchCoef[i]! > median ? 1 : 0;
  return pack(scratchBits);
}

/** Box-filters a 32×32 frame down to w×h (fractional pixel coverage). */
function areaResample(px: Uint8Array, w: number, h: number): Float64Array {
  const out = new Float64Array(w * h);
  const sx = N / w;
  const sy = N / h;
  for (let oy = 0; oy < h; oy++) {
    const y0 = oy * sy;
    const y1 = y0 + sy;
    for (let ox = 0; ox < w; ox++) {
      const x0 = ox * sx;
      const x1 = x0 + sx;
      let s = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
          const wx = Math.min(x + 1, x1) - Math.max(x, x0);
          s += px[y * N + x]! * wx * wy;
        }
      }
      out[oy * w + ox] = s / (sx * sy);
    }
  }
  return out;
}

/**
 * Gradient dHash: the frame box-filtered to 9×8; one bit per horizontally adjacent pair (left
 * brighter than right). The first bit is forced on (so it is a 63-bit hash, like phash32).
 */
export function dhash32(px: Uint8Array): [number, number] {
  if (px.length !== N * N) throw new RangeError(`dhash32 needs ${N}×${N} = ${N * N} bytes, got ${px.length}`);
  if (stddev(px) < BLANK_STDDEV) return [0, 0];
  const g = areaResample(px, 9, 8);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) scratchBits[y * 8 + x] = g[y * 9 + x]! > g[y * 9 + x + 1]! ? 1 : 0;
  return pack(scratchBits);
}

export function hashFrame(px: Uint8Array, algorithm: HashAlgorithm = 'phash'): [number, number] {
  return algorithm === 'dhash' ? dhash32(px) : phash32(px);
}
