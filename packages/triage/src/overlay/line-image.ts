// Turning a located text line into what Tesseract reads best: one line, dark text on a light
// ground, contrast stretched, scaled up so strokes are several pixels wide, with a margin. Tesseract
// on such a crop reads a DVR clock nearly always; on the whole frame it misses or garbles it.
import type { GreyFrame, Rect } from './text-lines.locator.js';

export interface LineImage {
  /** A binary PGM (P5), which Tesseract's image reader (Leptonica) takes as is. */
  pgm: Buffer;
  /** The crop in source pixels (the line plus its margin). */
  crop: Rect;
  scale: number;
}

/** The line plus a margin, inside the frame. */
export function padRect(r: Rect, width: number, height: number): Rect {
  const mx = Math.round(r.h * 0.6);
  const my = Math.round(r.h * 0.35);
  const x = Math.max(0, r.x - mx);
  const y = Math.max(0, r.y - my);
  return { x, y, w: Math.min(width, r.x + r.w + mx) - x, h: Math.min(height, r.y + r.h + my) - y };
}

/**
 * Crops `r` from each frame (averaging them: for a label that never changes this removes sensor
 * noise), inverts light-on-dark text, stretches contrast and scales up (bilinear).
 */
export function lineImage(frames: GreyFrame[], r: Rect, lightOnDark: boolean): LineImage {
  const f0 = frames[0]!;
  const crop = padRect(r, f0.width, f0.height);
  const acc = new Float32Array(crop.w * crop.h);
  for (const f of frames) {
    for (let y = 0; y < crop.h; y += 1) {
      const src = (crop.y + y) * f.width + crop.x;
      for (let x = 0; x < crop.w; x += 1) acc[y * crop.w + x]! += f.data[src + x]!;
    }
  }
  const values = new Float32Array(acc.length);
  for (let i = 0; i < acc.length; i += 1) {
    const v = acc[i]! / frames.length;
    values[i] = lightOnDark ? 255 - v : v;
  }
  const sorted = Float32Array.from(values).sort();
  const lo = sorted[Math.floor(sorted.length * 0.02)]!;
  const hi = sorted[Math.floor(sorted.length * 0.6)]!; // the ground: most of the crop
  const span = Math.max(1, hi - lo);
  const scale = r.h < 16 ? 4 : r.h < 28 ? 3 : 2;
  const W = crop.w * scale;
  const H = crop.h * scale;
  const out = Buffer.alloc(W * H);
  for (let Y = 0; Y < H; Y += 1) {
    const sy = Math.min(crop.h - 1, Math.max(0, (Y + 0.5) / scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(crop.h - 1, y0 + 1);
    const fy = sy - y0;
    for (let X = 0; X < W; X += 1) {
      const sx = Math.min(crop.w - 1, Math.max(0, (X + 0.5) / scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(crop.w - 1, x0 + 1);
      const fx = sx - x0;
      const v =
        values[y0 * crop.w + x0]! * (1 - fx) * (1 - fy) +
        values[y0 * crop.w + x1]! * fx * (1 - fy) +
        values[y1 * crop.w + x0]! * (1 - fx) * fy +
        values[y1 * crop.w + x1]! * fx * fy;
      out[Y * W + X] = Math.max(0, Math.min(255, Math.round(((v - lo) / span) * 255)));
    }
  }
  return { pgm: Buffer.concat([Buffer.from(`P5\n${W} ${H}\n255\n`, 'latin1'), out]), crop, scale };
}

/** A whole frame as PGM (the naive baseline reads this). */
export function framePgm(f: GreyFrame): Buffer {
  return Buffer.concat([Buffer.from(`P5\n${f.width} ${f.height}\n255\n`, 'latin1'), Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength)]);
}
