// The redaction recipe (format `custodia-redaction/1`): what to hide in a video and how. Boxes are
// fractions (0..1) of the frame, keyframed in seconds from the start of the source; between two
// keyframes a box moves and resizes linearly; it is active from its first keyframe to its last.
// The canonical JSON of the normalised recipe is hashed (recipe_sha256) and named in the ledger.
import { createHash } from 'node:crypto';
import { canonicalJson } from '@custodia/ledger';
import { z } from 'zod';
import { invalid } from '../errors.js';

export const RECIPE_FORMAT = 'custodia-redaction/1';

const frac = z.number().min(0).max(1);
const seconds = z.number().min(0).max(7 * 24 * 3600);

export const keyframeSchema = z.object({ t: seconds, x: frac, y: frac, w: frac, h: frac }).strict();

export const redactionBoxSchema = z
  .object({
    /** A short id the studio uses to keep track of a box (letters, digits, dash). */
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
    label: z.string().max(100).default(''),
    effect: z.enum(['blur', 'pixelate', 'fill']),
    /** Fill colour (#rrggbb), used by the fill effect. */
    colour: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#000000'),
    keyframes: z.array(keyframeSchema).min(2).max(2000),
  })
  .strict();

export const timeRangeSchema = z.object({ start: seconds, end: seconds }).strict();

export const recipeSchema = z
  .object({
    format: z.literal(RECIPE_FORMAT),
    boxes: z.array(redactionBoxSchema).max(200),
    audio: z.object({ mute: z.array(timeRangeSchema).max(500).default([]), bleep: z.boolean().default(false) }).strict().default({ mute: [], bleep: false }),
    /** Export only this part of the source (seconds of the source); null = all of it. */
    clip: timeRangeSchema.nullable().default(null),
    /** Keep the burned-in clock and camera label visible where a box covers them. */
    keepOverlay: z.boolean().default(true),
  })
  .strict();

export type Keyframe = z.output<typeof keyframeSchema>;
export type RedactionBox = z.output<typeof redactionBoxSchema>;
export type TimeRange = z.output<typeof timeRangeSchema>;
export type RedactionRecipe = z.output<typeof recipeSchema>;
export type RedactionRecipeInput = z.input<typeof recipeSchema>;

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const r4 = (n: number): number => Math.round(n * 1e4) / 1e4;
const r3 = (n: number): number => Math.round(n * 1e3) / 1e3;

/**
 * Validates a recipe and puts it in its one canonical form: numbers rounded (fractions to 1e-4,
 * seconds to 1 ms), keyframes in time order, boxes clamped into the frame, ranges sorted and merged.
 * Errors say what is wrong and where (`boxes[2].keyframes[1].t`).
 */
export function normaliseRecipe(input: unknown): RedactionRecipe {
  const parsed = recipeSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || 'recipe';
    throw invalid(`the recipe is not valid: ${where}: ${issue.message}`, { where: `recipe.${where}` });
  }
  const r = parsed.data;
  const ids = new Set<string>();
  const boxes = r.boxes.map((b, i) => {
    if (ids.has(b.id)) throw invalid(`the recipe is not valid: boxes[${i}].id "${b.id}" is used twice`, { where: `recipe.boxes[${i}].id` });
    ids.add(b.id);
    const keyframes = b.keyframes
      .map((k) => {
        const x = r4(Math.min(k.x, 1));
        const y = r4(Math.min(k.y, 1));
        return { t: r3(k.t), x, y, w: r4(Math.min(k.w, 1 - x)), h: r4(Math.min(k.h, 1 - y)) };
      })
      .sort((a, c) => a.t - c.t);
    for (let k = 1; k < keyframes.length; k++) {
      if (keyframes[k]!.t <= keyframes[k - 1]!.t) {
        throw invalid(`the recipe is not valid: boxes[${i}] has two keyframes at ${keyframes[k]!.t} s`, { where: `recipe.boxes[${i}].keyframes` });
      }
    }
    if (keyframes.some((k) => k.w <= 0 || k.h <= 0)) throw invalid(`the recipe is not valid: boxes[${i}] has a keyframe with no area`, { where: `recipe.boxes[${i}].keyframes` });
    return { id: b.id, label: b.label.trim(), effect: b.effect, colour: b.colour.toLowerCase(), keyframes };
  });
  const mute = mergeRanges(r.audio.mute, 'audio.mute');
  let clip: TimeRange | null = null;
  if (r.clip) {
    clip = { start: r3(r.clip.start), end: r3(r.clip.end) };
    if (!(clip.end > clip.start)) throw invalid('the recipe is not valid: clip.end must be after clip.start', { where: 'recipe.clip' });
  }
  return { format: RECIPE_FORMAT, boxes, audio: { mute, bleep: r.audio.bleep }, clip, keepOverlay: r.keepOverlay };
}

function mergeRanges(ranges: readonly TimeRange[], where: string): TimeRange[] {
  const sorted = ranges.map((x, i) => {
    const s = r3(x.start);
    const e = r3(x.end);
    if (!(e > s)) throw invalid(`the recipe is not valid: ${where}[${i}].end must be after its start`, { where: `recipe.${where}[${i}]` });
    return { start: s, end: e };
  }).sort((a, b) => a.start - b.start);
  const out: TimeRange[] = [];
  for (const x of sorted) {
    const last = out[out.length - 1];
    if (last && x.start <= last.end) last.end = Math.max(last.end, x.end);
    else out.push({ ...x });
  }
  return out;
}

/**
 * SHA-256 of the recipe's canonical JSON (normalise first).
 *
 * @example recipeSha256(normaliseRecipe({ format: 'custodia-redaction/1', boxes: [] })) // => 64 hex digits
 */
export const recipeSha256 = (recipe: RedactionRecipe): string => createHash('sha256').update(canonicalJson(recipe)).digest('hex');

/** Where a box is at time `t` (seconds of the source), or null when it is not active then. */
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

/** The time range the recipe's output covers in the source, given the source's duration. */
export function outputRange(recipe: Pick<RedactionRecipe, 'clip'>, durationSec: number): TimeRange {
  if (!recipe.clip) return { start: 0, end: durationSec };
  return { start: Math.min(recipe.clip.start, durationSec), end: Math.min(recipe.clip.end, durationSec) };
}
