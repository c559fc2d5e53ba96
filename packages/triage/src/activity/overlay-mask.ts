// Finding burned-in overlays that change on their own — a DVR clock ticking every second, a frame
// counter — so that they are not taken for movement. Over a learning window (the first tens of
// seconds) every frame pair about a second apart is compared; pixels near the top or bottom edge
// that changed in a large share of the pairs are a ticking digit. The seconds digit ticks every
// pair; the minutes and hours digits sit to its left and tick rarely, so the mask covers the text
// line around the ticking digit, sized from the digit's height.

export interface MaskRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface OverlayParams {
  /** A place ticks "regularly" when something within a pixel or two of it changed in at least this share of the pairs. */
  tickShare: number;
  /** Overlays are looked for in this share of the height at the top and at the bottom. */
  band: number;
  /** Mask this many text heights left of the ticking digit (HH:MM: before SS)… */
  extendLeft: number;
  /** …and this many to its right. */
  extendRight: number;
  /** The ticking digits are at most this share of the width / height of the picture. */
  maxDigitsWidth: number;
  maxDigitsHeight: number;
  /** Around the digits, the share of pairs with a change (mean over a ring one text height wide) must be below this. */
  maxRingShare: number;
}

export const DEFAULT_OVERLAY_PARAMS: OverlayParams = { tickShare: 0.5, band: 0.25, extendLeft: 8, extendRight: 2, maxDigitsWidth: 0.15, maxDigitsHeight: 0.1, maxRingShare: 0.25 };

export class OverlayLearner {
  /** Per pixel: pairs in which it changed. */
  private readonly counts: Uint16Array;
  /** Per pixel: pairs in which something within `radius` changed (a ticking digit changes shape,
   *  not every pixel of it every second, but always some pixel of it). */
  private readonly near: Uint16Array;
  private readonly rowOr: Uint8Array;
  private readonly radius: number;
  private pairs = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly params: OverlayParams = DEFAULT_OVERLAY_PARAMS,
  ) {
    this.counts = new Uint16Array(width * height);
    this.near = new Uint16Array(width * height);
    this.rowOr = new Uint8Array(width * height);
    this.radius = Math.max(1, Math.round(width / 200));
  }

  /** Adds one pair's changed map (non-zero = changed). Skip pairs whose change was global. */
  add(changed: Uint8Array): void {
    if (this.pairs >= 65535) return;
    this.pairs += 1;
    const { counts, near, rowOr, width: w, height: h, radius: r } = this;
    for (let i = 0; i < counts.length; i++) if (changed[i] !== 0) counts[i]! += 1;
    // Dilation by a (2r+1)² square, separably with running counts: rows, then columns.
    for (let y = 0; y < h; y++) {
      const row = y * w;
      let run = 0;
      for (let x = 0; x < Math.min(r, w); x++) run += changed[row + x] !== 0 ? 1 : 0;
      for (let x = 0; x < w; x++) {
        if (x + r < w && changed[row + x + r] !== 0) run++;
        if (x - r - 1 >= 0 && changed[row + x - r - 1] !== 0) run--;
        rowOr[row + x] = run > 0 ? 1 : 0;
      }
    }
    for (let x = 0; x < w; x++) {
      let run = 0;
      for (let y = 0; y < Math.min(r, h); y++) run += rowOr[y * w + x]!;
      for (let y = 0; y < h; y++) {
        if (y + r < h) run += rowOr[(y + r) * w + x]!;
        if (y - r - 1 >= 0) run -= rowOr[(y - r - 1) * w + x]!;
        if (run > 0) near[y * w + x]!++;
      }
    }
  }

  get pairCount(): number {
    return this.pairs;
  }

  /** The overlay rectangles found (analysis pixels), and the pixel mask they make (null when none). */
  finish(): { rects: MaskRect[]; mask: Uint8Array | null } {
    const { width: w, height: h, counts, params } = this;
    if (this.pairs < 4) return { rects: [], mask: null };
    const need = Math.max(2, Math.ceil(params.tickShare * this.pairs));
    const bandPx = Math.max(2, Math.round(h * params.band));
    const inBand = (y: number): boolean => y < bandPx || y >= h - bandPx;
    // Seeds: places in the bands where something changed in most pairs; grouped (8-connected).
    const seed = new Uint8Array(w * h);
    let any = false;
    for (let y = 0; y < h; y++) {
      if (!inBand(y)) continue;
      for (let x = 0; x < w; x++) {
        if (this.near[y * w + x]! >= need) {
          seed[y * w + x] = 1;
          any = true;
        }
      }
    }
    if (!any) return { rects: [], mask: null };
    // Each seed group is the ticking digit(s), grown by the dilation radius.
    const seen = new Uint8Array(w * h);
    const rects: MaskRect[] = [];
    const stack: number[] = [];
    const r = this.radius;
    for (let s0 = 0; s0 < w * h; s0++) {
      if (seed[s0] !== 1 || seen[s0] === 1) continue;
      let x0 = w;
      let y0 = h;
      let x1 = -1;
      let y1 = -1;
      seen[s0] = 1;
      stack.push(s0);
      while (stack.length > 0) {
        const p = stack.pop()!;
        const x = p % w;
        const y = (p - x) / w;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
        for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
          for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
            const q = yy * w + xx;
            if (seen[q] === 0 && seed[q] === 1) {
              seen[q] = 1;
              stack.push(q);
            }
          }
        }
      }
      // The digits' own extent: the pixels around the group that changed in a fair share of the
      // pairs (every digit shape 0–9 passes there). Taking the dilated group shrunk by the radius
      // instead made the text height depend on how sharply this encoding drew the glyphs (one
      // encode of a clip gave 3 px, another 6 px), and the mask then missed most of the clock.
      const digits = this.extent(x0 - r, y0 - r, x1 + r, y1 + r, Math.max(1, Math.ceil(this.pairs * 0.1)));
      if (digits !== null) {
        [x0, y0, x1, y1] = digits;
      } else {
        if (x1 - x0 >= 2 * r) {
          x0 += r;
          x1 -= r;
        }
        if (y1 - y0 >= 2 * r) {
          y0 += r;
          y1 -= r;
        }
      }
      // A digit changing is several pixels changing, not one flickering pixel.
      let active = 0;
      for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) if (counts[y * w + x]! * 3 >= need) active++;
      if (active < 2) continue;
      // A lone flickering pixel is not a digit; a wide or tall changing area is not a clock's
      // seconds (compression pulses of a noisy scene, someone standing under the camera).
      if (x1 - x0 + 1 > w * params.maxDigitsWidth || y1 - y0 + 1 > h * params.maxDigitsHeight) continue;
      // Burned-in text sits on a steady picture: around the digits, little changes.
      if (this.ringShare(x0, y0, x1, y1) > params.maxRingShare) continue;
      // The text line: as tall as the digits (plus the dilation radius), from `extendLeft` text
      // heights left of them (HH:MM: before SS) to `extendRight` right of them.
      const th = Math.max(2, y1 - y0 + 1);
      const pad = Math.max(1, r, Math.round(th * 0.25));
      const rx0 = Math.max(0, Math.floor(x0 - params.extendLeft * th));
      const rx1 = Math.min(w, Math.ceil(x1 + 1 + params.extendRight * th));
      const ry0 = Math.max(0, y0 - pad);
      const ry1 = Math.min(h, y1 + 1 + pad);
      rects.push({ x: rx0, y: ry0, w: rx1 - rx0, h: ry1 - ry0 });
    }
    const merged = mergeRects(rects);
    const mask = new Uint8Array(w * h);
    for (const r of merged) {
      for (let y = r.y; y < r.y + r.h; y++) mask.fill(1, y * w + r.x, y * w + r.x + r.w);
    }
    return { rects: merged, mask };
  }

  /** Bounding box [x0, y0, x1, y1] of the pixels in a box that changed in at least `min` pairs, or null. */
  private extent(bx0: number, by0: number, bx1: number, by1: number, min: number): [number, number, number, number] | null {
    const { width: w, height: h, counts } = this;
    let x0 = w;
    let y0 = h;
    let x1 = -1;
    let y1 = -1;
    for (let y = Math.max(0, by0); y <= Math.min(h - 1, by1); y++) {
      for (let x = Math.max(0, bx0); x <= Math.min(w - 1, bx1); x++) {
        if (counts[y * w + x]! < min) continue;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
    return x1 < 0 ? null : [x0, y0, x1, y1];
  }

  /** Mean share of pairs with a change nearby, over a ring one digit-height wide around a box (outside the dilation radius). */
  private ringShare(x0: number, y0: number, x1: number, y1: number): number {
    const { width: w, height: h, near } = this;
    const r = this.radius;
    x0 -= r;
    y0 -= r;
    x1 += r;
    y1 += r;
    const m = Math.max(2, y1 - y0 + 1);
    let sum = 0;
    let n = 0;
    for (let y = Math.max(0, y0 - m); y <= Math.min(h - 1, y1 + m); y++) {
      for (let x = Math.max(0, x0 - m); x <= Math.min(w - 1, x1 + m); x++) {
        if (x >= x0 && x <= x1 && y >= y0 && y <= y1) continue;
        sum += near[y * w + x]!;
        n += 1;
      }
    }
    return n === 0 ? 0 : sum / n / this.pairs;
  }
}

/** Merges overlapping or touching rectangles until none touch. */
export function mergeRects(input: readonly MaskRect[]): MaskRect[] {
  const rs = input.map((r) => ({ ...r }));
  let changed = true;
  while (changed) {
    changed = false;
    outer: for (let i = 0; i < rs.length; i++) {
      for (let j = i + 1; j < rs.length; j++) {
        const a = rs[i]!;
        const b = rs[j]!;
        if (a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h) {
          const x = Math.min(a.x, b.x);
          const y = Math.min(a.y, b.y);
          rs[i] = { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
          rs.splice(j, 1);
          changed = true;
          break outer;
        }
      }
    }
  }
  return rs;
}
