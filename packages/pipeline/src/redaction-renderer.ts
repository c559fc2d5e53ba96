// The redaction renderer: reads the source blob (never writes it), renders the recipe with ffmpeg
// into the instance's temporary folder and stores the result as a new blob. Recording it (blob
// row, ledger entry, redaction state) is the use case's job, in one transaction.
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RedactionRecipe, RedactionRenderer, RenderedOutput } from '@custodia/core';
import { decodedSize, renderRedaction, type MediaProbe, type MediaTools, type RedactionPlan } from '@custodia/media';
import type { Vault } from '@custodia/store';

/** The height the overlay step samples frames at, at most (its regions are in those pixels). */
const OVERLAY_SAMPLE_MAX_HEIGHT = 1080;

/** The burned-in clock and label regions read by the overlay step, as fractions of the frame. */
export async function overlayRegions(vault: Vault, sha256: string, probe: MediaProbe): Promise<RedactionPlan['keep']> {
  const r = await vault.db.query<{ region: { x?: number; y?: number; w?: number; h?: number } }>(
    `SELECT DISTINCT region FROM overlay_readings WHERE sha256 = $1 AND tool = (
       SELECT tool FROM overlay_runs WHERE sha256 = $1 ORDER BY created_at DESC, ledger_seq DESC LIMIT 1)`,
    [sha256],
  );
  const v = probe.video;
  if (!v || r.rows.length === 0) return [];
  const scale = Math.min(1, OVERLAY_SAMPLE_MAX_HEIGHT / v.height);
  const sh = Math.round(v.height * scale);
  const sw = 2 * Math.round((v.width * scale) / 2);
  const seen = new Set<string>();
  const out: { x: number; y: number; w: number; h: number }[] = [];
  for (const { region: g } of r.rows) {
    if (![g.x, g.y, g.w, g.h].every((n) => typeof n === 'number' && Number.isFinite(n))) continue;
    const f = { x: Math.max(0, g.x! / sw), y: Math.max(0, g.y! / sh), w: g.w! / sw, h: g.h! / sh };
    const key = JSON.stringify(f);
    if (!seen.has(key) && f.w > 0 && f.h > 0) {
      seen.add(key);
      out.push({ ...f, w: Math.min(f.w, 1 - f.x), h: Math.min(f.h, 1 - f.y) });
    }
  }
  return out;
}

export function createRedactionRenderer(vault: Vault, tools: MediaTools): RedactionRenderer {
  return {
    async render(sourceSha256: string, recipe: RedactionRecipe, signal?: AbortSignal, onProgress?: (fraction: number) => void): Promise<RenderedOutput> {
      const stored = await vault.media.probeOf(sourceSha256);
      if (!stored || stored.status !== 'ok') throw new Error(`the source ${sourceSha256.slice(0, 12)}… has no successful probe yet: wait for the media pipeline, then render again`);
      const probe = stored.facts as unknown as MediaProbe;
      decodedSize(probe);
      const input = vault.blobs.localPath(sourceSha256);
      const plan: RedactionPlan = {
        boxes: recipe.boxes,
        audio: recipe.audio,
        clip: recipe.clip,
        keep: recipe.keepOverlay ? await overlayRegions(vault, sourceSha256, probe) : [],
      };
      const tmpRoot = join(vault.config.home, 'tmp');
      await mkdir(tmpRoot, { recursive: true, mode: 0o700 });
      const dir = await mkdtemp(join(tmpRoot, `job-${process.pid}-redaction-`));
      try {
        const out = join(dir, 'redacted.mp4');
        // Seconds of output written over seconds to write (the clip, or the whole source).
        const total = recipe.clip ? recipe.clip.end - recipe.clip.start : (probe.durationSec ?? 0);
        const progress = onProgress && total > 0 ? { onProgress: (sec: number) => onProgress(Math.min(1, sec / total)) } : {};
        const r = await renderRedaction(tools, input, out, plan, { probe, ...(signal ? { signal } : {}), ...progress });
        const put = await vault.blobs.put(createReadStream(out, { highWaterMark: 1 << 20 }));
        return {
          sha256: put.sha256,
          size: put.size,
          tool: tools.version,
          facts: { width: r.width, height: r.height, durationSec: r.durationSec, hasAudio: r.hasAudio, segments: r.segments, keptRegions: plan.keep.length, encoder: 'libx264 veryfast crf 20 / aac 128k' },
        };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
