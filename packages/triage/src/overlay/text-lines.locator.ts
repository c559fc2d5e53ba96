// Finding a DVR's burned-in text without reading it. Overlay text is high-contrast, small and in a
// fixed place: strong horizontal intensity steps, dense along a line, present in (nearly) every
// sample of the video. Scene edges are either sparse (a door frame, a lamp's outline: few steps per
// row) or come and go (people, noise). Lines whose pixels change between two frames one second apart
// are clocks; lines that never change are labels.

export interface GreyFrame {
  width: number;
  height: number;
  /** One byte per pixel, row by row. */
  data: Uint8Array;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface TextLine extends Rect {
  /** Mean absolute change of the line's pixels between frames one second apart (0–255). */
  change: number;
  /** Light text on a darker ground (the usual DVR overlay), else dark on light. */
  lightOnDark: boolean;
  /** Fraction of samples in which the line's strokes are present. */
  presence: number;
}

/** Intensity step between neighbours (two pixels apart) that counts as a stroke edge. */
const EDGE_STEP = 44;

/**
 * Pixels inside thin strokes: a rise followed by a fall (a light stroke) or a fall followed by a
 * rise (a dark one) within `maxStroke` pixels along the row. A lone edge (a lamp's outline, a door
 * frame, a wall meeting the floor) has no partner and is not marked, so text set right beside one
 * is not merged with it.
 */
function strokeMap(f: GreyFrame, maxStroke: number): Uint8Array {
  const { width: w, height: h, data } = f;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y += 1) {
    const row = y * w;
    let riseAt = -1e9;
    let fallAt = -1e9;
    for (let x = 1; x < w - 1; x += 1) {
      const g = data[row + x + 1]! - data[row + x - 1]!;
      if (g >= EDGE_STEP) {
        if (x - fallAt <= maxStroke) for (let k = Math.max(0, fallAt); k <= x; k += 1) out[row + k] = 1;
        riseAt = x;
      } else if (g <= -EDGE_STEP) {
        if (x - riseAt <= maxStroke) for (let k = Math.max(0, riseAt); k <= x; k += 1) out[row + k] = 1;
        fallAt = x;
      }
    }
  }
  return out;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  pixels: number;
}

/** Bounding boxes of 8-connected components of `mask` (1 = set). */
function components(mask: Uint8Array, w: number, h: number): Box[] {
  const label = new Int32Array(w * h);
  const boxes: Box[] = [];
  const stack: number[] = [];
  for (let i = 0; i < w * h; i += 1) {
    if (!mask[i] || label[i]) continue;
    const box: Box = { x0: w, y0: h, x1: -1, y1: -1, pixels: 0 };
    label[i] = boxes.length + 1;
    stack.push(i);
    while (stack.length > 0) {
      const p = stack.pop()!;
      const px = p % w;
      const py = (p - px) / w;
      box.pixels += 1;
      if (px < box.x0) box.x0 = px;
      if (px > box.x1) box.x1 = px;
      if (py < box.y0) box.y0 = py;
      if (py > box.y1) box.y1 = py;
      for (let dy = -1; dy <= 1; dy += 1) {
        const ny = py + dy;
        if (ny < 0 || ny >= h) continue;
        for (let dx = -1; dx <= 1; dx += 1) {
          const nx = px + dx;
          if (nx < 0 || nx >= w) continue;
          const q = ny * w + nx;
          if (mask[q] && !label[q]) {
            label[q] = boxes.length + 1;
            stack.push(q);
          }
        }
      }
    }
    boxes.push(box);
  }
  return boxes;
}

/** Horizontal dilation by `r` pixels each side (joins the strokes of a word). */
function dilateRows(m: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y += 1) {
    const row = y * w;
    let last = -1e9;
    for (let x = 0; x < w; x += 1) {
      if (m[row + x]) last = x;
      if (x - last <= r) out[row + x] = 1;
    }
    last = 1e9;
    for (let x = w - 1; x >= 0; x -= 1) {
      if (m[row + x]) last = x;
      if (last - x <= r) out[row + x] = 1;
    }
  }
  return out;
}

function dilateCols(m: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let x = 0; x < w; x += 1) {
    let last = -1e9;
    for (let y = 0; y < h; y += 1) {
      if (m[y * w + x]) last = y;
      if (y - last <= r) out[y * w + x] = 1;
    }
    last = 1e9;
    for (let y = h - 1; y >= 0; y -= 1) {
      if (m[y * w + x]) last = y;
      if (last - y <= r) out[y * w + x] = 1;
    }
  }
  return out;
}

/** Rows in [y0, y1] of `mask` inside [x0, x1] with at least `min` set pixels. */
function denseRows(mask: Uint8Array, w: number, b: Box, min: number): number {
  let n = 0;
  for (let y = b.y0; y <= b.y1; y += 1) {
    let c = 0;
    for (let x = b.x0; x <= b.x1; x += 1) c += mask[y * w + x]!;
    if (c >= min) n += 1;
  }
  return n;
}

export interface LocateOptions {
  /** Pairs of frame indices (into `frames`) one second apart, to tell clocks from labels. */
  pairs?: [number, number][];
  /** Fraction of frames a stroke edge must be present in. Default 0.5. */
  minPresence?: number;
}

/**
 * Text lines present across the sampled frames, top to bottom. All frames must have the same size.
 *
 * @example locateTextLines(frames, { pairs: [[0, 1]] }).filter((l) => l.change > 2) // the clock
 */
export function locateTextLines(frames: GreyFrame[], opts: LocateOptions = {}): TextLine[] {
  if (frames.length === 0) return [];
  const { width: w, height: h } = frames[0]!;
  const n = frames.length;
  const count = new Uint16Array(w * h);
  const maps = frames.map((f) => strokeMap(f, Math.max(4, Math.round(h / 80))));
  for (const m of maps) for (let i = 0; i < m.length; i += 1) count[i]! += m[i]!;
  // Changing digits leave their edges in fewer frames than the fixed text around them.
  const need = Math.max(1, Math.ceil(n * (opts.minPresence ?? 0.5)));
  const stable = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i += 1) if (count[i]! >= need) stable[i] = 1;
  // Thin vertical scene lines (cell bars, a grid, door frames) are stroke pairs along the rows too,
  // and where text is drawn across them the joined component runs far past a text line's height.
  // No glyph stroke is taller than the text: runs longer than that, in any frame, are not text.
  clearLongVerticalRuns(stable, count, w, h, Math.max(14, Math.round(h / 12)));
  // Strokes of one character are a few pixels apart, characters of one word a little more; a
  // 720-line frame has overlay text 12–60 px high.
  const r = Math.max(3, Math.round(h / 160));
  const joined = dilateCols(dilateRows(stable, w, h, r), w, h, 1);
  const minH = Math.max(7, Math.round(h / 72));
  const maxH = Math.max(minH + 4, Math.round(h / 6));
  const words: Box[] = [];
  for (const b of components(joined, w, h)) {
    const bw = b.x1 - b.x0 + 1;
    const bh = b.y1 - b.y0 + 1;
    if (bh < minH || bh > maxH || bw < bh * 0.6) continue;
    // Text: most rows of the box cross several strokes.
    const rows = denseRows(stable, w, b, 4);
    if (rows < bh * 0.45) continue;
    words.push(b);
  }
  // Words of one line: similar height, overlapping rows, gaps under ~1.6 line heights.
  words.sort((a, b) => a.x0 - b.x0);
  const lines: Box[] = [];
  for (const wd of words) {
    const wh = wd.y1 - wd.y0 + 1;
    const line = lines.find((l) => {
      const lh = l.y1 - l.y0 + 1;
      const overlap = Math.min(l.y1, wd.y1) - Math.max(l.y0, wd.y0) + 1;
      return overlap >= 0.5 * Math.min(lh, wh) && Math.max(lh, wh) <= 2 * Math.min(lh, wh) && wd.x0 - l.x1 <= 1.6 * Math.max(lh, wh);
    });
    if (line) {
      line.x0 = Math.min(line.x0, wd.x0);
      line.x1 = Math.max(line.x1, wd.x1);
      line.y0 = Math.min(line.y0, wd.y0);
      line.y1 = Math.max(line.y1, wd.y1);
      line.pixels += wd.pixels;
    } else lines.push({ ...wd });
  }
  // Digits that change (the clock's seconds) are in every frame but never in the same shape, so
  // they may fall below the presence threshold: extend each line over columns with strokes in
  // most frames, across gaps narrower than a character.
  const any = new Uint16Array(w * h);
  for (const m of maps) for (let i = 0; i < m.length; i += 1) any[i]! += m[i]!;
  for (const l of lines) extendLine(l, any, w, Math.max(1, Math.ceil(n * 0.5)));
  const out: TextLine[] = [];
  for (const l of lines) {
    const lh = l.y1 - l.y0 + 1;
    const lw = l.x1 - l.x0 + 1;
    // A single short blob is more likely a lamp's corner than text.
    if (lw < lh * 1.5) continue;
    const rect = { x: l.x0, y: l.y0, w: lw, h: lh };
    let present = 0;
    for (const m of maps) {
      let c = 0;
      for (let y = l.y0; y <= l.y1; y += 1) for (let x = l.x0; x <= l.x1; x += 1) c += m[y * w + x]!;
      if (c >= lw * lh * 0.04) present += 1;
    }
    out.push({ ...rect, change: lineChange(frames, rect, opts.pairs ?? []), lightOnDark: isLightOnDark(frames[0]!, rect), presence: present / n });
  }
  return out.sort((a, b) => a.y - b.y || a.x - b.x);
}

/**
 * Clears from `mask` the pixels of vertical runs longer than `maxRun` in the union of the frames'
 * stroke maps (`count` > 0: the union bridges the gaps noise leaves in a faint line in single frames).
 */
function clearLongVerticalRuns(mask: Uint8Array, count: Uint16Array, w: number, h: number, maxRun: number): void {
  for (let x = 0; x < w; x += 1) {
    let start = -1;
    for (let y = 0; y <= h; y += 1) {
      const on = y < h && count[y * w + x]! > 0;
      if (on && start < 0) start = y;
      else if (!on && start >= 0) {
        if (y - start > maxRun) for (let k = start; k < y; k += 1) mask[k * w + x] = 0;
        start = -1;
      }
    }
  }
}

/** Widens `l` left and right over columns (within its rows) where some row has strokes in ≥ `need` frames' maps combined. */
function extendLine(l: Box, count: Uint16Array, w: number, need: number): void {
  const lh = l.y1 - l.y0 + 1;
  const gap = Math.max(2, Math.round(lh * 0.9));
  const occupied = (x: number): boolean => {
    let c = 0;
    for (let y = l.y0; y <= l.y1; y += 1) if (count[y * w + x]! >= need) c += 1;
    return c >= 2;
  };
  for (let x = l.x1 + 1, miss = 0; x < w && miss <= gap; x += 1) {
    if (occupied(x)) {
      l.x1 = x;
      miss = 0;
    } else miss += 1;
  }
  for (let x = l.x0 - 1, miss = 0; x >= 0 && miss <= gap; x -= 1) {
    if (occupied(x)) {
      l.x0 = x;
      miss = 0;
    } else miss += 1;
  }
}

/** Largest mean absolute difference inside `r` over the given frame pairs. */
function lineChange(frames: GreyFrame[], r: Rect, pairs: [number, number][]): number {
  let best = 0;
  for (const [i, j] of pairs) {
    const a = frames[i];
    const b = frames[j];
    if (!a || !b) continue;
    let sum = 0;
    for (let y = r.y; y < r.y + r.h; y += 1) for (let x = r.x; x < r.x + r.w; x += 1) sum += Math.abs(a.data[y * a.width + x]! - b.data[y * b.width + x]!);
    best = Math.max(best, sum / (r.w * r.h));
  }
  return best;
}

/** Whether the strokes are lighter than their ground: the pixels at stroke edges' bright side vs the box's median. */
export function isLightOnDark(f: GreyFrame, r: Rect): boolean {
  const values: number[] = [];
  for (let y = r.y; y < r.y + r.h; y += 1) for (let x = r.x; x < r.x + r.w; x += 1) values.push(f.data[y * f.width + x]!);
  values.sort((a, b) => a - b);
  const lo = values[Math.floor(values.length * 0.05)]!;
  const hi = values[Math.floor(values.length * 0.95)]!;
  const med = values[Math.floor(values.length * 0.5)]!;
  // Strokes are the minority: the ground sits near the median, the text at the far end.
  return hi - med > med - lo;
}
