// ffprobe's JSON is output about a hostile file: validated, every field optional and tolerant (one
// odd field must not lose the rest), strings bounded.
import { z } from 'zod';

const MAX_TAG_VALUE = 4096;
const MAX_TAGS = 512;

const str = z.string().max(1 << 20).optional().catch(undefined);
const int = z.number().int().optional().catch(undefined);
const num = z.number().optional().catch(undefined);

/** Tags as strings: numbers/booleans stringified, long values cut, at most MAX_TAGS entries. */
const tags = z
  .record(z.string(), z.unknown())
  .optional()
  .catch(undefined)
  .transform((t): Record<string, string> => {
    const out: Record<string, string> = {};
    if (!t) return out;
    let n = 0;
    for (const [k, v] of Object.entries(t)) {
      if (n >= MAX_TAGS) break;
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') continue;
      const key = k.slice(0, 256);
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
      out[key] = String(v).slice(0, MAX_TAG_VALUE);
      n++;
    }
    return out;
  });

const sideData = z
  .array(z.object({ side_data_type: str, rotation: num }).catch({ side_data_type: undefined, rotation: undefined }))
  .optional()
  .catch(undefined);

export const ffprobeStreamSchema = z.object({
  index: z.number().int().nonnegative(),
  codec_name: str,
  codec_type: str,
  profile: str,
  width: int,
  height: int,
  pix_fmt: str,
  sample_aspect_ratio: str,
  field_order: str,
  has_b_frames: int,
  r_frame_rate: str,
  avg_frame_rate: str,
  nb_frames: str,
  duration: str,
  sample_rate: str,
  channels: int,
  disposition: z.object({ attached_pic: int }).optional().catch(undefined),
  tags,
  side_data_list: sideData,
});

export const ffprobeFormatSchema = z.object({
  format_name: str,
  format_long_name: str,
  duration: str,
  bit_rate: str,
  start_time: str,
  tags,
});

export const ffprobeOutputSchema = z.object({
  streams: z.array(ffprobeStreamSchema).max(10_000).optional().catch(undefined),
  format: ffprobeFormatSchema.optional().catch(undefined),
});

export const ffprobeFramesSchema = z.object({
  frames: z.array(z.object({ tags })).max(16).optional().catch(undefined),
});

export type FfprobeStream = z.infer<typeof ffprobeStreamSchema>;
export type FfprobeOutput = z.infer<typeof ffprobeOutputSchema>;

/** "30000/1001" → 29.97; null for "0/0", absurd or unparseable rates. */
export function parseRate(rate: string | undefined): number | null {
  if (!rate) return null;
  const m = /^(\d+)\/(\d+)$/.exec(rate.trim());
  let v: number;
  if (m) {
    const den = Number(m[2]);
    if (den === 0) return null;
    v = Number(m[1]) / den;
  } else {
    v = Number(rate);
  }
  if (!Number.isFinite(v) || v <= 0 || v > 1000) return null;
  return Math.round(v * 1000) / 1000;
}

/** A non-negative finite number from ffprobe's decimal strings, else null. */
export function parseNumber(s: string | undefined): number | null {
  if (s === undefined || s === '' || s === 'N/A') return null;
  const v = Number(s);
  return Number.isFinite(v) && v >= 0 ? v : null;
}
