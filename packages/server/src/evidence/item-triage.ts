import type { Item } from '@custodia/core';
import type { Vault } from '@custodia/store';
import { z } from 'zod';

/** Bounds of the item view's payload: a long video read every second has thousands of readings and boxes. */
const MAX_READINGS = 600;
const MAX_BOXES = 5000;

const flagSchema = z.object({ kind: z.string() }).catchall(z.unknown());

export const itemOverlaySchema = z.object({
  sha256: z.string(),
  ofSalvage: z.boolean(),
  tool: z.string(),
  /** The picture's clock at the first frame (a wall clock without a zone, written as UTC). */
  startTime: z.string().nullable(),
  cameraLabel: z.string().nullable(),
  /** The facility camera's overlay label (or name) the label matched, when exactly one did. */
  camera: z.string().nullable(),
  confidence: z.number(),
  flags: z.array(flagSchema),
  readings: z.array(z.object({ atSec: z.number(), kind: z.string(), text: z.string(), time: z.string().nullable(), confidence: z.number() })),
  readingsTotal: z.number().int(),
});

export const itemFacesSchema = z.object({
  runs: z.array(
    z.object({
      sha256: z.string(),
      ofSalvage: z.boolean(),
      tool: z.string(),
      model: z.string(),
      sampleFps: z.number(),
      frames: z.number().int(),
      framesWithFaces: z.number().int(),
      maxFaces: z.number().int(),
      boxes: z.number().int(),
    }),
  ),
  /** The boxes of the first run, grouped per sampled frame; fractions of the frame (0..1). */
  samples: z.array(z.object({ tSec: z.number(), boxes: z.array(z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number(), score: z.number() })) })),
  truncated: z.boolean(),
});

export const itemDuplicateGroupSchema = z.object({
  id: z.string(),
  referenceSha256: z.string(),
  members: z.array(
    z.object({
      sha256: z.string(),
      kind: z.string(),
      offsetSec: z.number(),
      durationSec: z.number(),
      similarity: z.number(),
      /** What linked it: its pictures, or the burned-in clock and camera label (ADR 0025). */
      evidence: z.enum(['fingerprint', 'clock']),
      self: z.boolean(),
      items: z.array(z.object({ id: z.number().int(), path: z.string() })),
    }),
  ),
});

/** Overlay, faces and near-duplicate group of an item, from the vault's triage repositories. */
export async function itemTriage(vault: Vault, it: Item, sha: string | null, salvage: string | null) {
  const sources = sha ? [sha, ...(salvage ? [salvage] : [])] : [];
  if (!sha) return { overlay: null, faces: null, duplicateGroup: null };
  const overlays = await vault.overlay.overlayOf(sources);
  const oSha = overlays.has(sha) ? sha : salvage && overlays.has(salvage) ? salvage : null;
  const o = oSha ? overlays.get(oSha)! : null;
  let camera: string | null = null;
  if (o?.cameraLabel) {
    const m = await vault.db.query<{ c: string | null }>('SELECT custodia_match_camera($1) AS c', [o.cameraLabel]);
    camera = m.rows[0]?.c ?? null;
  }
  const overlay = o
    ? {
        sha256: oSha!,
        ofSalvage: oSha !== sha,
        tool: o.tool,
        startTime: o.startTime,
        cameraLabel: o.cameraLabel,
        camera,
        confidence: o.confidence,
        flags: o.flags,
        readings: o.readings.slice(0, MAX_READINGS),
        readingsTotal: o.readings.length,
      }
    : null;

  const faceRuns = await vault.faces.facesOf(sources);
  let faces: z.input<typeof itemFacesSchema> | null = null;
  if (faceRuns.size > 0) {
    const runs = sources.filter((s) => faceRuns.has(s)).map((s) => {
      const r = faceRuns.get(s)!;
      return { sha256: s, ofSalvage: s !== sha, tool: r.tool, model: r.model, sampleFps: r.sampleFps, frames: r.frames, framesWithFaces: r.framesWithFaces, maxFaces: r.maxFaces, boxes: r.boxes };
    });
    const first = runs[0]!;
    const boxes = await vault.faces.boxesOf(first.sha256, first.tool, first.model);
    const samples: { tSec: number; boxes: { x: number; y: number; w: number; h: number; score: number }[] }[] = [];
    for (const b of boxes.slice(0, MAX_BOXES)) {
      const last = samples[samples.length - 1];
      const box = { x: b.x, y: b.y, w: b.w, h: b.h, score: b.score };
      if (last && last.tSec === b.tSec) last.boxes.push(box);
      else samples.push({ tSec: b.tSec, boxes: [box] });
    }
    faces = { runs, samples, truncated: boxes.length > MAX_BOXES };
  }

  return { overlay, faces, duplicateGroup: await duplicateGroupOf(vault, it.caseId, sources, sha) };
}

async function duplicateGroupOf(vault: Vault, caseId: number, sources: string[], sha: string): Promise<z.input<typeof itemDuplicateGroupSchema> | null> {
  const g = await vault.db.query<{ id: string; reference_sha256: string }>(
    `SELECT g.id::text, g.reference_sha256 FROM duplicate_members m
       JOIN duplicate_groups g0 ON g0.id = m.group_id JOIN duplicate_groups g ON g.id = COALESCE(g0.merged_into, g0.id)
     WHERE m.case_id = $1 AND m.sha256 = ANY($2::text[]) ORDER BY (m.sha256 = $3) DESC LIMIT 1`,
    [caseId, sources, sha],
  );
  const group = g.rows[0];
  if (!group) return null;
  const m = await vault.db.query<{ sha256: string; kind: string; offset_sec: number; duration_sec: number; similarity: number; evidence: 'fingerprint' | 'clock' }>(
    `SELECT m.sha256, m.kind, m.offset_sec, m.duration_sec, m.similarity, m.evidence FROM duplicate_members m JOIN duplicate_groups g ON g.id = m.group_id
     WHERE m.case_id = $1 AND COALESCE(g.merged_into, g.id) = $2::bigint ORDER BY m.offset_sec, m.sha256 LIMIT 200`,
    [caseId, group.id],
  );
  const shas = m.rows.map((r) => r.sha256);
  // A member may be a salvaged copy: its items are those holding the original.
  const items = await vault.db.query<{ sha256: string; item_id: number; path: string }>(
    `SELECT s.sha256, i.item_id, i.path FROM unnest($2::text[]) AS s(sha256)
       JOIN item_index i ON i.case_id = $1 AND (i.sha256 = s.sha256 OR i.sha256 IN (SELECT d.source_sha256 FROM derivatives d WHERE d.sha256 = s.sha256 AND d.kind = 'salvage'))
     ORDER BY i.path, i.item_id LIMIT 1000`,
    [caseId, shas],
  );
  return {
    id: group.id,
    referenceSha256: group.reference_sha256,
    members: m.rows.map((r) => ({
      sha256: r.sha256,
      kind: r.kind,
      offsetSec: r.offset_sec,
      durationSec: r.duration_sec,
      similarity: r.similarity,
      evidence: r.evidence,
      self: sources.includes(r.sha256),
      items: items.rows.filter((x) => x.sha256 === r.sha256).map((x) => ({ id: Number(x.item_id), path: x.path })),
    })),
  };
}
