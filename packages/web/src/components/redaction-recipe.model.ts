// Editing a redaction recipe in the browser: the same linear interpolation the renderer uses
// (packages/core redaction-recipe.ts boxAt), and keyframe edits that keep keyframes in time order.
import type { Redaction, RedactionBox, RedactionKeyframe, RedactionRecipe } from '../api-types.js';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where a box is at `t`, or null when it is not active then (before its first or after its last keyframe). */
export function boxAt(box: Pick<RedactionBox, 'keyframes'>, t: number): Rect | null {
  const ks = box.keyframes;
  const first = ks[0];
  const last = ks[ks.length - 1];
  if (!first || !last || t < first.t || t > last.t) return null;
  for (let i = 1; i < ks.length; i++) {
    const b = ks[i]!;
    if (t <= b.t) {
      const a = ks[i - 1]!;
      const f = b.t === a.t ? 1 : (t - a.t) / (b.t - a.t);
      return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f, w: a.w + (b.w - a.w) * f, h: a.h + (b.h - a.h) * f };
    }
  }
  return { x: last.x, y: last.y, w: last.w, h: last.h };
}

const round = (n: number, d = 1e4) => Math.round(n * d) / d;

export function clampRect(r: Rect): Rect {
  const w = Math.min(1, Math.max(0.005, r.w));
  const h = Math.min(1, Math.max(0.005, r.h));
  const x = Math.min(1 - w, Math.max(0, r.x));
  const y = Math.min(1 - h, Math.max(0, r.y));
  return { x: round(x), y: round(y), w: round(w), h: round(h) };
}

/** A keyframe at `t` (replacing one within half a frame of it); the box's span grows if `t` is outside it. */
export function setKeyframe(box: RedactionBox, t: number, rect: Rect, frameSec: number): RedactionBox {
  const k: RedactionKeyframe = { t: round(t, 1e3), ...clampRect(rect) };
  const rest = box.keyframes.filter((x) => Math.abs(x.t - k.t) > frameSec / 2);
  return { ...box, keyframes: [...rest, k].sort((a, b) => a.t - b.t) };
}

/** Removes the keyframe nearest `t` (within half a frame); a box keeps at least two. */
export function removeKeyframe(box: RedactionBox, t: number, frameSec: number): RedactionBox {
  if (box.keyframes.length <= 2) return box;
  return { ...box, keyframes: box.keyframes.filter((x) => Math.abs(x.t - t) > frameSec / 2) };
}

export const keyframeAt = (box: RedactionBox, t: number, frameSec: number): RedactionKeyframe | undefined =>
  box.keyframes.find((x) => Math.abs(x.t - t) <= frameSec / 2);

/** A new box at `t` holding `rect` for `holdSec` (or up to the end of the video). */
export function newBox(id: string, t: number, rect: Rect, duration: number, holdSec = 3): RedactionBox {
  const end = duration > 0 ? Math.min(duration, t + holdSec) : t + holdSec;
  const start = end - t < 0.1 ? Math.max(0, end - holdSec) : t;
  const r = clampRect(rect);
  return { id, label: '', effect: 'blur', colour: '#000000', keyframes: [{ t: round(start, 1e3), ...r }, { t: round(Math.max(end, start + 0.1), 1e3), ...r }] };
}

export const emptyRecipe = (): RedactionRecipe => ({ format: 'custodia-redaction/1', boxes: [], audio: { mute: [], bleep: false }, clip: null, keepOverlay: true });

/** An id not used by any box yet. */
export function freshId(recipe: RedactionRecipe, prefix = 'box'): string {
  const used = new Set(recipe.boxes.map((b) => b.id));
  for (let i = 1; ; i++) if (!used.has(`${prefix}-${i}`)) return `${prefix}-${i}`;
}

export const statusToneOf = (s: Redaction['status']): 'ok' | 'bad' | 'info' | 'quiet' =>
  s === 'approved' ? 'ok' : s === 'failed' || s === 'rejected' ? 'bad' : s === 'queued' || s === 'rendering' || s === 'rendered' ? 'info' : 'quiet';
