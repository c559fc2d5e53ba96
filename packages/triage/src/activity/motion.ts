// Comparing two small grey frames of a fixed camera: what moved, robust to sensor noise, to global
// illumination changes and to compression flicker.
//
// 1. Photometric normalisation: the reference frame's histogram is matched to the current one's (a
//    monotonic grey-level mapping). A lights-on step, exposure drift or a gamma change is a global
//    monotonic mapping and cancels out, including clipping in bright areas and burned-in text that
//    keeps its white while the scene brightens; a person is a few percent of the pixels and
//    hardly moves the histogram.
// 2. Noise-adaptive threshold: σ is estimated from the median absolute residual (most pixels of a
//    fixed camera do not change), smoothed over the last frames; a pixel changed if its residual
//    is above k·σ and above an absolute floor (low-bitrate encodes have σ ≈ 0 on static areas).
// 3. Small-blob suppression: connected regions (8-connected) smaller than a person's limb at this
//    resolution are noise or compression flicker.
// 4. A change over a large part of the picture at once is global (lights, a camera knocked, a cut)
//    and not counted as movement; the caller reports it separately.

export interface MotionParams {
  /** Threshold in units of the estimated noise σ. */
  k: number;
  /** Absolute threshold floor, grey levels (0–255). */
  minThreshold: number;
  /** Smallest blob kept, as a fraction of the analysed pixels. */
  minBlobFrac: number;
  /** Above this fraction of changed pixels the change is global (not movement). */
  globalFrac: number;
  /**
   * Compression "pulses": where a keyframe re-renders noisy texture, a share of the picture changes
   * by more than the median-based σ predicts. The threshold is also at least `tailFactor` × the
   * `tailQuantile` quantile of the residuals (the largest over the last second of pairs).
   */
  tailQuantile: number;
  tailFactor: number;
  /**
   * A pair whose grey-level mapping moves the picture's levels by this much on average (a light
   * switched, auto-exposure jumping) is a global change: burned-in text and clipped areas do not
   * follow the mapping, and would look like movement.
   */
  relitLevels: number;
}

export const DEFAULT_MOTION_PARAMS: MotionParams = { k: 4.5, minThreshold: 9, minBlobFrac: 0.0004, globalFrac: 0.3, tailQuantile: 0.97, tailFactor: 1.6, relitLevels: 15 };

export interface PairResult {
  /** Pixels that changed (above threshold, unmasked), as a fraction of the unmasked pixels. */
  changedFrac: number;
  /** Pixels in blobs large enough to be something moving, as a fraction of the unmasked pixels. */
  movingFrac: number;
  /** The change covered too much of the picture to be movement, or the light changed. */
  global: boolean;
  /** Mean shift of grey levels between the frames (a lights-on step: tens of levels). */
  relight: number;
  /** The noise σ used (grey levels), and the threshold it gave. */
  sigma: number;
  threshold: number;
}

const SIGMA_HISTORY = 9;
/** Histograms use every SAMPLE-th pixel (3: prime to the usual widths, so columns vary by row). */
const SAMPLE = 3;

export class FrameDiffer {
  readonly pixels: number;
  /** Per pixel after diff(): 0 unchanged, 1 changed (small blob or not yet labelled), 2 in a kept blob. */
  readonly changed: Uint8Array;
  private readonly histR = new Int32Array(256);
  private readonly histC = new Int32Array(256);
  /** The grey-level mapping ref → cur, in quarter levels. */
  private readonly lutQ = new Int32Array(256);
  private readonly resHist = new Int32Array(1024);
  private readonly noMask: Uint8Array;
  /** Unmasked pixels of the last mask seen (masks do not change once learnt). */
  private countedMask: Uint8Array | null = null;
  private maskValid = 0;
  private readonly stack: Int32Array;
  private readonly members: Int32Array;
  private readonly sigmas: number[] = [];
  private readonly tails: number[] = [];
  /** Pairs the tail threshold is remembered for (about a second). */
  tailMemory = 5;
  private readonly minBlob: number;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly params: MotionParams = DEFAULT_MOTION_PARAMS,
  ) {
    this.pixels = width * height;
    this.changed = new Uint8Array(this.pixels);
    this.noMask = new Uint8Array(this.pixels);
    this.stack = new Int32Array(this.pixels);
    this.members = new Int32Array(this.pixels);
    this.minBlob = Math.max(3, Math.round(params.minBlobFrac * this.pixels));
  }

  /** Forget the noise history (a new clip, or a replay of the learning window). */
  reset(): void {
    this.sigmas.length = 0;
    this.tails.length = 0;
  }

  /**
   * Compares `cur` with an earlier frame `ref` (same size, 8-bit grey). `mask[i] = 1` excludes a
   * pixel (burned-in overlays). `blobs` false leaves every changed pixel at 1 (for overlay learning).
   */
  diff(ref: Uint8Array, cur: Uint8Array, mask: Uint8Array | null, blobs = true, minThreshold = this.params.minThreshold): PairResult {
    const n = this.pixels;
    const { histR, histC, lutQ, resHist, changed } = this;
    const m = mask ?? this.noMask;
    // Histograms (for the grey-level mapping and the noise statistics) from every SAMPLE-th pixel:
    // plenty of samples (3600 at 160x90), a fraction of the time.
    histR.fill(0);
    histC.fill(0);
    let sampled = 0;
    for (let i = 0; i < n; i += SAMPLE) {
      if (m[i] !== 0) continue;
      histR[ref[i]!]!++;
      sampled++;
    }
    for (let i = 0; i < n; i += SAMPLE) if (m[i] === 0) histC[cur[i]!]!++;
    if (m !== this.countedMask) {
      let c = 0;
      for (let i = 0; i < n; i++) if (m[i] === 0) c++;
      this.countedMask = m;
      this.maskValid = c;
    }
    const valid = this.maskValid;
    if (valid === 0 || sampled === 0) return { changedFrac: 0, movingFrac: 0, global: false, sigma: 0, threshold: 0, relight: 0 };
    // The grey level of `cur` at the same rank as v in `ref` (mid-rank, interpolated).
    let cumR = 0;
    let u = 0;
    let cumC = 0; // pixels of cur below level u
    let shift = 0;
    let lastV = -1;
    for (let v = 0; v < 256; v++) {
      const hv = histR[v]!;
      if (hv === 0) continue;
      const target = cumR + hv / 2;
      while (u < 255 && cumC + histC[u]! < target) {
        cumC += histC[u]!;
        u++;
      }
      const hu = histC[u]!;
      const level = hu > 0 ? u - 0.5 + Math.min(1, Math.max(0, (target - cumC) / hu)) : u;
      lutQ[v] = Math.round(level * 4);
      // Levels not sampled in between: the mapping's offset interpolated (not the neighbour's
      // level, which would be wrong by the gap).
      const offV = lutQ[v]! - v * 4;
      const offL = lastV < 0 ? offV : lutQ[lastV]! - lastV * 4;
      for (let g = lastV + 1; g < v; g++) lutQ[g] = g * 4 + Math.round(lastV < 0 ? offV : offL + ((offV - offL) * (g - lastV)) / (v - lastV));
      lastV = v;
      shift += hv * Math.abs(level - v);
      cumR += hv;
    }
    if (lastV < 0) return { changedFrac: 0, movingFrac: 0, global: false, sigma: 0, threshold: 0, relight: 0 };
    for (let g = lastV + 1; g < 256; g++) lutQ[g] = g * 4 + (lutQ[lastV]! - lastV * 4);
    const relight = shift / sampled;
    // Residuals in quarter grey levels: their histogram (median, tail) from the same samples.
    // (Separate simple loops: V8 runs each several times faster than one fused loop.)
    resHist.fill(0);
    for (let i = 0; i < n; i += SAMPLE) {
      if (m[i] !== 0) continue;
      let q = cur[i]! * 4 - lutQ[ref[i]!]!;
      if (q < 0) q = -q;
      resHist[q > 1023 ? 1023 : q]!++;
    }
    let acc = 0;
    let med = -1;
    let tail = -1;
    const half = sampled / 2;
    const tailAt = sampled * this.params.tailQuantile;
    for (let q = 0; q < 1024; q++) {
      acc += resHist[q]!;
      if (med < 0 && acc >= half) med = q / 4;
      if (acc >= tailAt) {
        tail = q / 4;
        break;
      }
    }
    if (tail < 0) tail = 255;
    const sigmaNow = 1.4826 * Math.max(0, med);
    this.sigmas.push(sigmaNow);
    if (this.sigmas.length > SIGMA_HISTORY) this.sigmas.shift();
    this.tails.push(tail);
    if (this.tails.length > this.tailMemory) this.tails.shift();
    const sorted = [...this.sigmas].sort((a, b) => a - b);
    const sigma = sorted[sorted.length >> 1]!;
    let tailMax = 0;
    for (const t of this.tails) if (t > tailMax) tailMax = t;
    const threshold = Math.max(this.params.k * sigma, this.params.tailFactor * tailMax, minThreshold);
    const thrQ = Math.floor(threshold * 4);
    let count = 0;
    for (let i = 0; i < n; i++) {
      const q = cur[i]! * 4 - lutQ[ref[i]!]!;
      const c = (q > thrQ || -q > thrQ) && m[i] === 0 ? 1 : 0;
      changed[i] = c;
      count += c;
    }
    const changedFrac = count / valid;
    if (changedFrac > this.params.globalFrac || relight >= this.params.relitLevels) return { changedFrac, movingFrac: 0, global: true, sigma, threshold, relight };
    if (!blobs || count === 0) return { changedFrac, movingFrac: 0, global: false, sigma, threshold, relight };
    return { changedFrac, movingFrac: this.keepBlobs() / valid, global: false, sigma, threshold, relight };
  }

  /** Labels 8-connected regions of changed pixels; marks those of minBlob pixels or more with 2. */
  private keepBlobs(): number {
    const { changed, stack, members, width: w, height: h } = this;
    const n = this.pixels;
    let kept = 0;
    for (let s = 0; s < n; s++) {
      if (changed[s] !== 1) continue;
      // Flood fill; visited pixels are set to 3, then to 2 (kept) or 0 (too small).
      let top = 0;
      let size = 0;
      stack[top++] = s;
      changed[s] = 3;
      while (top > 0) {
        const p = stack[--top]!;
        members[size++] = p;
        const x = p % w;
        const y = (p - x) / w;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= h) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            if (xx < 0 || xx >= w) continue;
            const q = yy * w + xx;
            if (changed[q] === 1) {
              changed[q] = 3;
              stack[top++] = q;
            }
          }
        }
      }
      const mark = size >= this.minBlob ? 2 : 0;
      for (let m = 0; m < size; m++) changed[members[m]!] = mark;
      if (mark === 2) kept += size;
    }
    return kept;
  }
}
