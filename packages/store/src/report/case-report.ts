import { notFound, rawPathHexIfInexact, type Item } from '@custodia/core';
import type { Vault } from '../vault.js';
import { duplicateGroupsByItem, type DuplicateGroupReport } from './duplicate-groups.report.js';

export interface ReportItem {
  id: number;
  path: string;
  /** Exact bytes of the name, when the display form is not a faithful rendering of them. */
  rawPathHex?: string;
  pathEncoding: string;
  parent: { id: number; path: string } | null;
  size: number | null;
  mtime: string | null;
  sha256: string | null;
  kind: string;
  format: string;
  status: string;
  reason: string | null;
  acquisition: number;
  ledgerSeq: number;
  /** Other items of the case with the very same bytes (exact duplicates). */
  sameContentAs: { id: number; path: string }[];
  /** Media facts and pipeline state (null for items with no bytes). */
  media: ReportMedia | null;
}

export interface ReportMedia {
  probe: {
    status: string;
    failureKind: string | null;
    failureMessage: string | null;
    container: unknown;
    durationSec: unknown;
    durationSource: unknown;
    video: unknown;
    audio: unknown;
    image: unknown;
    tags: unknown;
    tool: string;
  } | null;
  derivatives: { kind: string; sha256: string; tool: string; salvaged?: boolean }[];
  /** Derivatives of a salvaged copy (its proxy and thumbnails), when the original was salvaged. */
  salvaged: { sha256: string; derivatives: { kind: string; sha256: string }[] } | null;
  steps: { step: string; state: string; attempts: number; error: string | null; result: unknown }[];
  /** Where something moves: segments (seconds from the start) and the per-second curve. */
  activity: { mode: string; tool: string; segments: { startSec: number; endSec: number; score: number; peak: number }[]; curve: number[] } | null;
  /** The burned-in DVR overlay: start time by the picture's clock, camera label, flags, readings. */
  overlay: ReportOverlay | null;
  /** Faces on sampled frames: counts only (the boxes themselves stay in the vault). */
  faces: { model: string; sampleFps: number; frames: number; framesWithFaces: number; maxFaces: number; boxes: number } | null;
  /** The near-duplicate group this video belongs to (ADR 0009), with this video's kind and offset on the reference's timeline. */
  duplicateGroup?: DuplicateGroupReport | null;
  /** Why the video has no fingerprint (no usable picture), when it has none. */
  fingerprintFailure?: string | null;
}

export interface ReportOverlay {
  startTime: string | null;
  cameraLabel: string | null;
  confidence: number;
  flags: unknown[];
  tool: string;
  readings: { atSec: number; text: string; time: string | null }[];
}

export interface CaseReport {
  case: { id: number; name: string; createdAt: string };
  acquisitions: {
    id: number;
    kind: string;
    status: string;
    operator: string;
    host: string;
    sourceLabel: string | null;
    note: string | null;
    roots: string[];
    startedAt: string;
    finishedAt: string | null;
    manifestSha256: string | null;
  }[];
  summary: { items: number; preservedBytes: number; uniqueBlobs: number; byStatus: Record<string, number>; byKind: Record<string, number> };
  items: ReportItem[];
}

/** Everything known about a case's items. Later pipeline steps add their facts to the same report. */
export async function caseReport(vault: Vault, caseName: string): Promise<CaseReport> {
  const kase = await vault.repo.findCase(caseName);
  if (!kase) {
    const names = (await vault.repo.listCases()).map((c) => `"${c.name}"`);
    throw notFound(`no case named "${caseName}"${names.length ? `; cases: ${names.join(', ')}` : ' (no cases yet)'}`);
  }
  const items = await vault.repo.itemsOfCase(kase.id);
  const byId = new Map(items.map((it) => [it.id, it]));
  const bySha = new Map<string, Item[]>();
  for (const it of items) if (it.sha256) bySha.set(it.sha256, [...(bySha.get(it.sha256) ?? []), it]);
  const byStatus: Record<string, number> = {};
  const byKind: Record<string, number> = {};
  let preservedBytes = 0;
  for (const it of items) {
    byStatus[it.status] = (byStatus[it.status] ?? 0) + 1;
    byKind[it.kind] = (byKind[it.kind] ?? 0) + 1;
  }
  for (const [, group] of bySha) preservedBytes += group[0]?.size ?? 0;
  const acquisitions = await vault.repo.acquisitionsOf(kase.id);
  const shas = [...bySha.keys()];
  const { probes, derivatives } = await vault.media.mediaOf(shas);
  const salvageShas = [...derivatives.values()].flat().filter((d) => d.kind === 'salvage').map((d) => d.sha256);
  const salvagedMedia = await vault.media.mediaOf(salvageShas);
  const steps = await vault.media.stepsOf([...shas, ...salvageShas]);
  const activity = await vault.triage.activityOf([...shas, ...salvageShas]);
  const overlays = await vault.overlay.overlayOf([...shas, ...salvageShas]);
  const faces = await vault.faces.facesOf([...shas, ...salvageShas]);
  const groups = await duplicateGroupsByItem(vault, kase.id, items);
  const fingerprintFailures = await vault.duplicates.fingerprintFailures(shas);
  const mediaOf = (sha: string): ReportMedia => {
    const p = probes.get(sha);
    const f = (p?.facts ?? {}) as Record<string, unknown>;
    const ds = derivatives.get(sha) ?? [];
    const salvage = ds.find((d) => d.kind === 'salvage');
    return {
      probe: p
        ? {
            status: p.status,
            failureKind: p.failureKind,
            failureMessage: p.failureMessage,
            container: f.container ?? null,
            durationSec: f.durationSec ?? null,
            durationSource: f.durationSource ?? null,
            video: f.video ?? null,
            audio: f.audio ?? null,
            image: f.image ?? null,
            tags: f.tags ?? null,
            tool: p.tool,
          }
        : null,
      derivatives: ds.map((d) => ({ kind: d.kind, sha256: d.sha256, tool: d.tool, ...(d.kind === 'salvage' ? { salvaged: true } : {}) })),
      salvaged: salvage
        ? { sha256: salvage.sha256, derivatives: (salvagedMedia.derivatives.get(salvage.sha256) ?? []).map((d) => ({ kind: d.kind, sha256: d.sha256 })) }
        : null,
      steps: [...(steps.get(sha) ?? []), ...(salvage ? (steps.get(salvage.sha256) ?? []) : [])],
      activity: (() => {
        const a = activity.get(sha) ?? (salvage ? activity.get(salvage.sha256) : undefined);
        return a ? { mode: a.mode, tool: a.tool, segments: a.segments, curve: a.curve } : null;
      })(),
      overlay: (() => {
        const o = overlays.get(sha) ?? (salvage ? overlays.get(salvage.sha256) : undefined);
        return o
          ? { startTime: o.startTime, cameraLabel: o.cameraLabel, confidence: o.confidence, flags: o.flags, tool: o.tool, readings: o.readings.map((r) => ({ atSec: r.atSec, text: r.text, time: r.time })) }
          : null;
      })(),
      faces: (() => {
        const f = faces.get(sha) ?? (salvage ? faces.get(salvage.sha256) : undefined);
        return f ? { model: f.model, sampleFps: f.sampleFps, frames: f.frames, framesWithFaces: f.framesWithFaces, maxFaces: f.maxFaces, boxes: f.boxes } : null;
      })(),
    };
  };
  return {
    case: { id: kase.id, name: kase.name, createdAt: kase.createdAt.toISOString() },
    acquisitions: acquisitions.map((a) => ({
      id: a.id,
      kind: a.kind,
      status: a.status,
      operator: a.operator,
      host: a.host,
      sourceLabel: a.sourceLabel,
      note: a.note,
      roots: a.roots,
      startedAt: a.startedAt.toISOString(),
      finishedAt: a.finishedAt ? a.finishedAt.toISOString() : null,
      manifestSha256: a.manifestSha256,
    })),
    summary: { items: items.length, preservedBytes, uniqueBlobs: bySha.size, byStatus, byKind },
    items: items.map((it) => {
      const parent = it.parentId !== null ? byId.get(it.parentId) : undefined;
      const rawPathHex = rawPathHexIfInexact(it);
      return {
        id: it.id,
        path: it.displayPath,
        ...(rawPathHex ? { rawPathHex } : {}),
        pathEncoding: it.pathEncoding,
        parent: parent ? { id: parent.id, path: parent.displayPath } : null,
        size: it.size,
        mtime: it.mtime,
        sha256: it.sha256,
        kind: it.kind,
        format: it.format,
        status: it.status,
        reason: it.reason,
        acquisition: it.acquisitionId,
        ledgerSeq: it.ledgerSeq,
        sameContentAs: it.sha256
          ? (bySha.get(it.sha256) ?? []).filter((o) => o.id !== it.id).map((o) => ({ id: o.id, path: o.displayPath }))
          : [],
        media: it.sha256 ? { ...mediaOf(it.sha256), duplicateGroup: groups.get(it.id) ?? null, fingerprintFailure: fingerprintFailures.get(it.sha256) ?? null } : null,
      };
    }),
  };
}
