import type { Vault } from '@custodia/store';
import { z } from 'zod';
import { seesProtectedItems } from './protected-items.js';
import { caseRoleSchema, grantSchema, type Membership } from '../accounts/account.types.js';

export const dashboardSchema = z.object({
  case: z.object({ id: z.number().int(), name: z.string(), createdAt: z.string() }),
  membership: z.object({ role: caseRoleSchema, grants: z.array(grantSchema) }),
  counts: z.object({ items: z.number().int(), byKind: z.record(z.string(), z.number().int()), byStatus: z.record(z.string(), z.number().int()), withActivity: z.number().int() }),
  processing: z.object({
    done: z.number().int(),
    pending: z.number().int(),
    running: z.number().int(),
    failed: z.number().int(),
    failures: z.array(z.object({ itemId: z.number().int().nullable(), path: z.string().nullable(), step: z.string(), error: z.string().nullable() })),
  }),
  /**
   * Seconds of activity per camera (the overlay's label, else the original's folder) per hour: of
   * overlay time (`clock: overlay`, `t` an ISO time) when the clock was read, else of position in
   * the file (`clock: position`, `t` an ISO 8601 duration such as `PT0H`).
   */
  activityByCamera: z.array(
    z.object({ camera: z.string(), clock: z.enum(['overlay', 'position']), hours: z.array(z.object({ t: z.string(), score: z.number() })) }),
  ),
});

export async function caseDashboard(vault: Vault, caseId: number, m: Membership): Promise<z.input<typeof dashboardSchema>> {
  const k = await vault.db.query<{ id: number; name: string; created_at: Date }>('SELECT id, name, created_at FROM cases WHERE id = $1', [caseId]);
  // Protected items (ADR 0021) are not counted for a member without the source-identity grant: their
  // index rows carry the flag (migration 040).
  const hide = !seesProtectedItems(m);
  const shown = (alias: string) => (hide ? ` AND NOT ${alias}.protected` : '');
  const counts = await vault.db.query<{ kind: string | null; status: string | null; g: number; n: number; act: number }>(
    `SELECT kind, status, GROUPING(kind, status) AS g, count(*)::int AS n, count(*) FILTER (WHERE activity_seconds > 0)::int AS act
     FROM item_index WHERE case_id = $1${shown('item_index')} GROUP BY GROUPING SETS ((kind), (status), ())`,
    [caseId],
  );
  const blobsOfCase = `SELECT sha256 FROM item_index WHERE case_id = $1 AND sha256 IS NOT NULL${shown('item_index')}
     UNION SELECT d.sha256 FROM derivatives d JOIN item_index i ON d.source_sha256 = i.sha256 WHERE i.case_id = $1 AND d.kind = 'salvage'${shown('i')}`;
  const jobs = await vault.db.query<{ state: string; n: number }>(
    `SELECT state, count(*)::int AS n FROM jobs WHERE payload->>'sha256' IN (${blobsOfCase}) GROUP BY state`,
    [caseId],
  );
  const failures = await vault.db.query<{ name: string; last_error: string | null; item_id: number | null; path: string | null }>(
    `SELECT j.name, j.last_error, i.item_id, i.path FROM jobs j
     LEFT JOIN LATERAL (SELECT item_id, path FROM item_index x WHERE x.case_id = $1 AND (x.sha256 = j.payload->>'sha256'
       OR x.sha256 IN (SELECT source_sha256 FROM derivatives WHERE sha256 = j.payload->>'sha256' AND kind = 'salvage'))${shown('x')} ORDER BY item_id LIMIT 1) i ON true
     WHERE j.state = 'failed' AND j.payload->>'sha256' IN (${blobsOfCase}) ORDER BY j.finished_at DESC LIMIT 50`,
    [caseId],
  );
  // Bucketed by each segment's start: a segment crossing an hour counts in the hour it began.
  const activity = await vault.db.query<{ camera: string; clock: 'overlay' | 'position'; t: Date | null; h: number | null; score: number }>(
    `SELECT cam AS camera, clock,
            CASE WHEN clock = 'overlay' THEN date_trunc('hour', overlay_start + g.start_sec * interval '1 second') END AS t,
            CASE WHEN clock = 'position' THEN floor(g.start_sec / 3600)::int END AS h,
            sum(g.end_sec - g.start_sec)::float8 AS score
     FROM (SELECT sha256, overlay_start, CASE WHEN overlay_start IS NULL THEN 'position' ELSE 'overlay' END AS clock,
                  COALESCE(camera, NULLIF(regexp_replace(path, '[/\\\\][^/\\\\]*$', ''), path), '(unknown)') AS cam
           FROM item_index WHERE case_id = $1 AND sha256 IS NOT NULL AND activity_seconds > 0${shown('item_index')}) i
     JOIN segments g ON g.sha256 IN (SELECT custodia_item_index_sources(i.sha256)) AND g.kind = 'activity'
     GROUP BY 1, 2, 3, 4 ORDER BY 2, 1, 3, 4`,
    [caseId],
  );
  const byKind: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  let items = 0;
  let withActivity = 0;
  for (const r of counts.rows) {
    if (r.g === 3) {
      items = r.n;
      withActivity = r.act;
    } else if (r.g === 1) byKind[r.kind ?? ''] = r.n;
    else if (r.g === 2) byStatus[r.status ?? ''] = r.n;
  }
  const st = Object.fromEntries(jobs.rows.map((r) => [r.state, r.n]));
  const cams = new Map<string, { camera: string; clock: 'overlay' | 'position'; hours: { t: string; score: number }[] }>();
  for (const r of activity.rows) {
    const key = `${r.clock}\u0000${r.camera}`;
    const row = cams.get(key) ?? { camera: r.camera, clock: r.clock, hours: [] };
    row.hours.push({ t: r.clock === 'overlay' ? new Date(r.t!).toISOString() : `PT${r.h}H`, score: r.score });
    cams.set(key, row);
  }
  const row = k.rows[0]!;
  return {
    case: { id: row.id, name: row.name, createdAt: row.created_at.toISOString() },
    membership: { role: m.role, grants: m.grants },
    counts: { items, byKind, byStatus, withActivity },
    processing: {
      done: (st.done ?? 0) + (st.skipped ?? 0),
      pending: st.queued ?? 0,
      running: st.running ?? 0,
      failed: st.failed ?? 0,
      failures: failures.rows.map((f) => ({ itemId: f.item_id, path: f.path, step: f.name, error: f.last_error })),
    },
    activityByCamera: [...cams.values()],
  };
}
