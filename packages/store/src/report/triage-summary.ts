// The triage summary of a case, busiest first: per camera the active time, the segments and the top
// time ranges; then the duplicate groups; then the videos that ended with a reason instead of a
// result. The camera is the DVR's burned-in label when overlay reading found one, else the folder
// the original was found in (DVR exports put one camera per folder).
import { dirname } from 'node:path';
import type { CaseReport, ReportItem } from './case-report.js';
import type { DuplicateGroupReport } from './duplicate-groups.report.js';
import type { Vault } from '../vault.js';

export interface TriageRange {
  itemId: number;
  path: string;
  startSec: number;
  endSec: number;
  score: number;
}

export interface TriageCamera {
  camera: string;
  /** 'overlay' when the burned-in label was read, 'folder' otherwise. */
  source: 'overlay' | 'folder';
  activeSec: number;
  segments: number;
  videos: number;
  /** The strongest ranges first. */
  top: TriageRange[];
}

export interface TriageSummary {
  cameras: TriageCamera[];
  groups: DuplicateGroupReport[];
  /** Videos with no usable result, and why. */
  ended: { itemId: number; path: string; reason: string }[];
}

/** Camera labels read from the burned-in overlay, per blob, when that step exists in this database. */
async function overlayLabels(vault: Vault, sha256s: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (sha256s.length === 0) return out;
  const t = await vault.db.query<{ present: boolean }>("SELECT to_regclass('overlay_runs') IS NOT NULL AS present");
  if (!t.rows[0]?.present) return out;
  const r = await vault.db.query<{ sha256: string; camera_label: string }>(
    `SELECT sha256, camera_label FROM overlay_runs
      WHERE sha256 = ANY($1) AND camera_label IS NOT NULL AND camera_label <> ''
      ORDER BY confidence ASC NULLS FIRST`,
    [sha256s],
  );
  for (const row of r.rows) out.set(row.sha256, row.camera_label); // the most confident last
  return out;
}

const isVideo = (it: ReportItem): boolean => Boolean(it.media?.probe && (it.media.probe.video || it.kind === 'video'));

export async function triageSummary(vault: Vault, report: CaseReport, topRanges = 3): Promise<TriageSummary> {
  const videos = report.items.filter((it) => it.sha256 && (isVideo(it) || it.kind === 'video'));
  const labels = await overlayLabels(vault, [...new Set(videos.map((v) => v.sha256!))]);
  const cams = new Map<string, TriageCamera>();
  for (const v of videos) {
    const label = labels.get(v.sha256!);
    const camera = label ?? dirname(v.path);
    const c = cams.get(camera) ?? { camera, source: label ? ('overlay' as const) : ('folder' as const), activeSec: 0, segments: 0, videos: 0, top: [] };
    c.videos += 1;
    for (const s of v.media?.activity?.segments ?? []) {
      c.activeSec += s.endSec - s.startSec;
      c.segments += 1;
      c.top.push({ itemId: v.id, path: v.path, startSec: s.startSec, endSec: s.endSec, score: s.score });
    }
    cams.set(camera, c);
  }
  const cameras = [...cams.values()]
    .map((c) => ({ ...c, activeSec: Math.round(c.activeSec * 10) / 10, top: c.top.sort((a, b) => b.score - a.score || a.itemId - b.itemId).slice(0, topRanges) }))
    .sort((a, b) => b.activeSec - a.activeSec || b.segments - a.segments || a.camera.localeCompare(b.camera));
  const groups = new Map<number, DuplicateGroupReport>();
  for (const it of report.items) {
    const g = it.media?.duplicateGroup;
    if (g) groups.set(g.id, g);
  }
  const ended: TriageSummary['ended'] = [];
  for (const v of videos) {
    const m = v.media!;
    const reasons: string[] = [];
    if (m.probe?.status === 'failed') reasons.push(`probe: ${m.probe.failureMessage ?? m.probe.failureKind ?? 'failed'}`);
    if (m.fingerprintFailure) reasons.push(`fingerprint: ${m.fingerprintFailure}`);
    for (const s of m.steps) if ((s.state === 'failed' || s.state === 'skipped') && s.error && s.step !== 'fingerprint') reasons.push(`${s.step}: ${s.error}`);
    if (reasons.length > 0) ended.push({ itemId: v.id, path: v.path, reason: reasons.join('; ') });
  }
  return { cameras, groups: [...groups.values()].sort((a, b) => a.id - b.id), ended };
}
