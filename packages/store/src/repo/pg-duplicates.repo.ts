import type { Db, Queryable } from '../db/db.js';
import type { PgLedger } from './pg-ledger.repo.js';

export type DuplicateKind = 'exact' | 're-encoded' | 'segment';
/** What linked a member into its group: its pictures (movement matched, or the same bytes), or the burned-in clock (ADR 0025). */
export type DuplicateEvidence = 'fingerprint' | 'clock';

export interface FingerprintRecord {
  sha256: string;
  tool: string;
  status: 'ok' | 'failed';
  /** Why there is no fingerprint (status 'failed'): no usable picture, and what ffmpeg said. */
  reason: string | null;
  fps: number | null;
  durationSec: number | null;
  algorithm: string | null;
  /** 16 hex characters each. */
  hashes: string[] | null;
  /** Multi-index-hashing keys of the moving frames (table × 65536 + 16-bit substring). */
  keys: number[];
}

export interface StoredFingerprint {
  sha256: string;
  fps: number;
  durationSec: number;
  algorithm: string;
  hashes: string[];
}

/** A near-duplicate of the video being grouped, found by matching fingerprints. */
export interface DuplicateLink {
  sha256: string;
  durationSec: number;
  /** Where `sha256` starts on the grouped video's timeline, seconds. */
  offsetSec: number;
  /** 0..1: 1 − the share of the movement the copy does not reproduce. */
  similarity: number;
  /** Default 'fingerprint'. */
  evidence?: DuplicateEvidence;
}

export interface DuplicateMemberView {
  sha256: string;
  kind: DuplicateKind;
  offsetSec: number;
  durationSec: number;
  similarity: number;
  evidence: DuplicateEvidence;
}

export interface DuplicateGroupView {
  id: number;
  referenceSha256: string;
  members: DuplicateMemberView[];
}

/** Offsets and kinds are kept to this precision; finer changes are not a change. */
const round2 = (x: number): number => Math.round(x * 100) / 100;

/** How a video relates to the group's reference, from where it starts and how long it is. */
export function duplicateKind(sha256: string, offsetSec: number, durationSec: number, ref: { sha256: string; durationSec: number }): DuplicateKind {
  if (sha256 === ref.sha256) return 'exact';
  return Math.abs(offsetSec) <= 1 && Math.abs(durationSec - ref.durationSec) <= 1.5 ? 're-encoded' : 'segment';
}

interface MemberRow {
  sha256: string;
  group_id: string;
  kind: DuplicateKind;
  offset_sec: number;
  duration_sec: number;
  similarity: number;
  evidence: DuplicateEvidence;
}

/**
 * Fingerprints and duplicate groups. Fingerprints are written in the fingerprint job's completion
 * transaction with their ledger entry; group changes under a per-case advisory lock, so that
 * several workers grouping videos of one case at once take turns (see docs/adr/0009).
 */
export class PgDuplicatesRepo {
  constructor(
    private readonly db: Db,
    private readonly ledger: PgLedger,
  ) {}

  async recordFingerprint(tx: Queryable, f: FingerprintRecord, actor: string): Promise<void> {
    const seen = await tx.query('SELECT 1 FROM fingerprints WHERE sha256 = $1 AND tool = $2', [f.sha256, f.tool]);
    if (seen.rows.length > 0) return; // recorded by an earlier run of the same job
    const { seq } = await this.ledger.append(tx, {
      actor,
      action: 'fingerprinted',
      subjects: [f.sha256],
      details: { sha256: f.sha256, tool: f.tool, status: f.status, reason: f.reason, fps: f.fps, hashes: f.hashes?.length ?? 0, algorithm: f.algorithm },
    });
    const bytes = f.hashes ? Buffer.from(f.hashes.join(''), 'hex') : null;
    await tx.query(
      `INSERT INTO fingerprints (sha256, tool, status, reason, fps, duration_sec, algorithm, hashes, ledger_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      [f.sha256, f.tool, f.status, f.reason, f.fps, f.durationSec, f.algorithm, bytes, seq],
    );
    const keys = [...new Set(f.keys)];
    for (let i = 0; i < keys.length; i += 500) {
      const part = keys.slice(i, i + 500);
      await tx.query('INSERT INTO fingerprint_keys (key, sha256) SELECT k, $2 FROM unnest($1::int[]) AS k ON CONFLICT DO NOTHING', [part, f.sha256]);
    }
  }

  /** The blob's fingerprint (the latest successful one), or null. */
  async fingerprintOf(sha256: string, q: Queryable = this.db): Promise<StoredFingerprint | null> {
    const r = await q.query<{ sha256: string; fps: number; duration_sec: number; algorithm: string; hashes: Uint8Array }>(
      "SELECT sha256, fps, duration_sec, algorithm, hashes FROM fingerprints WHERE sha256 = $1 AND status = 'ok' ORDER BY created_at DESC LIMIT 1",
      [sha256],
    );
    const row = r.rows[0];
    return row ? toStored(row) : null;
  }

  async fingerprintsOf(sha256s: string[]): Promise<StoredFingerprint[]> {
    if (sha256s.length === 0) return [];
    const r = await this.db.query<{ sha256: string; fps: number; duration_sec: number; algorithm: string; hashes: Uint8Array }>(
      `SELECT DISTINCT ON (sha256) sha256, fps, duration_sec, algorithm, hashes FROM fingerprints
       WHERE sha256 = ANY($1) AND status = 'ok' ORDER BY sha256, created_at DESC`,
      [sha256s],
    );
    return r.rows.map(toStored);
  }

  /** Why fingerprinting failed, per blob (no usable picture…). */
  async fingerprintFailures(sha256s: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (sha256s.length === 0) return out;
    const r = await this.db.query<{ sha256: string; reason: string }>(
      "SELECT sha256, reason FROM fingerprints WHERE sha256 = ANY($1) AND status = 'failed' ORDER BY created_at",
      [sha256s],
    );
    for (const row of r.rows) out.set(row.sha256, row.reason);
    return out;
  }

  /** The cases holding the blob, with how many items of each hold it. */
  async casesOf(sha256: string): Promise<{ caseId: number; items: number }[]> {
    const r = await this.db.query<{ case_id: string; n: string }>('SELECT case_id, count(*) AS n FROM items WHERE sha256 = $1 GROUP BY case_id ORDER BY case_id', [sha256]);
    return r.rows.map((x) => ({ caseId: Number(x.case_id), items: Number(x.n) }));
  }

  /**
   * Videos of the case sharing the most fingerprint keys with the blob, most first: the candidates
   * to match in full. An indexed join on the keys; keys held by more than `maxBucket` videos are
   * too common to tell anything (a static scene) and are left out.
   */
  async candidates(sha256: string, caseId: number, limit = 64, maxBucket = 4096): Promise<{ sha256: string; votes: number }[]> {
    const r = await this.db.query<{ sha256: string; votes: string }>(
      `WITH mine AS (
         SELECT k.key FROM fingerprint_keys k WHERE k.sha256 = $1
           AND (SELECT count(*) FROM fingerprint_keys c WHERE c.key = k.key) <= $4
       )
       SELECT o.sha256, count(*) AS votes
         FROM mine JOIN fingerprint_keys o ON o.key = mine.key
        WHERE o.sha256 <> $1
          AND EXISTS (SELECT 1 FROM items i WHERE i.case_id = $2 AND i.sha256 = o.sha256)
        GROUP BY o.sha256
        ORDER BY votes DESC, o.sha256
        LIMIT $3`,
      [sha256, caseId, limit, maxBucket],
    );
    return r.rows.map((x) => ({ sha256: x.sha256, votes: Number(x.votes) }));
  }

  /**
   * The blob's overlay clock and camera label (its latest overlay reading with both), and the videos
   * of the case whose latest such reading starts within `windowHours` before the blob's clock and
   * before its end: the clock candidates (ADR 0025). An index range on `overlay_runs.start_time`;
   * label equality and the exact overlap are the caller's (labels are compared folded).
   */
  async clockCandidates(
    sha256: string,
    caseId: number,
    durationSec: number,
    limit = 64,
    windowHours = 24,
  ): Promise<{ own: { startTime: string; cameraLabel: string } | null; others: { sha256: string; startTime: string; cameraLabel: string }[] }> {
    const latest = `SELECT DISTINCT ON (sha256) sha256, start_time, camera_label FROM overlay_runs`;
    const me = await this.db.query<{ start_time: Date; camera_label: string }>(
      `${latest} WHERE sha256 = $1 AND start_time IS NOT NULL AND camera_label IS NOT NULL ORDER BY sha256, created_at DESC, ledger_seq DESC`,
      [sha256],
    );
    const own = me.rows[0];
    if (!own) return { own: null, others: [] };
    const start = new Date(own.start_time);
    const r = await this.db.query<{ sha256: string; start_time: Date; camera_label: string }>(
      `SELECT sha256, start_time, camera_label FROM (
         ${latest}
          WHERE start_time IS NOT NULL AND camera_label IS NOT NULL
            AND start_time > $3::timestamptz - make_interval(hours => $5) AND start_time < $3::timestamptz + make_interval(secs => $4)
            AND sha256 <> $1
            AND EXISTS (SELECT 1 FROM items i WHERE i.case_id = $2 AND i.sha256 = overlay_runs.sha256)
          ORDER BY sha256, created_at DESC, ledger_seq DESC
       ) c ORDER BY abs(extract(epoch FROM start_time - $3::timestamptz)), sha256 LIMIT $6`,
      [sha256, caseId, start.toISOString(), durationSec, windowHours, limit],
    );
    return {
      own: { startTime: start.toISOString(), cameraLabel: own.camera_label },
      others: r.rows.map((x) => ({ sha256: x.sha256, startTime: new Date(x.start_time).toISOString(), cameraLabel: x.camera_label })),
    };
  }

  /**
   * Puts the video into the case's duplicate groups: with the videos it matched (joining, or
   * merging, their groups), or alone when several items of the case hold its exact bytes. Writes
   * only what changes, with one `duplicates-found` ledger entry naming the hashes; a re-run with
   * the same links writes nothing. Returns the group id, or null when the video is in none.
   */
  async applyDuplicates(
    tx: Queryable,
    caseId: number,
    video: { sha256: string; durationSec: number },
    links: DuplicateLink[],
    exactCopies: boolean,
    actor: string,
  ): Promise<number | null> {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('custodia-duplicates'), $1::int)", [caseId % 2147483647]);
    const involved = [video.sha256, ...links.map((l) => l.sha256)];
    const cur = await tx.query<MemberRow>(
      'SELECT sha256, group_id, kind, offset_sec, duration_sec, similarity, evidence FROM duplicate_members WHERE case_id = $1 AND sha256 = ANY($2)',
      [caseId, involved],
    );
    const mine = cur.rows.find((r) => r.sha256 === video.sha256);
    if (links.length === 0 && !mine && !exactCopies) return null;
    if (links.length === 0 && mine && !(video.durationSec > 0 && round2(mine.duration_sec) !== round2(video.durationSec))) return Number(mine.group_id);

    // Positions on the video's own timeline, then on the target group's reference timeline.
    const posX = new Map<string, number>([[video.sha256, 0], ...links.map((l): [string, number] => [l.sha256, l.offsetSec])]);
    const durations = new Map<string, number>([[video.sha256, video.durationSec], ...links.map((l): [string, number] => [l.sha256, l.durationSec])]);
    const groupIds = [...new Set(cur.rows.map((r) => Number(r.group_id)))].sort((a, b) => a - b);
    let target: { id: number; ref: string; refSec: number };
    let shift: number;
    if (groupIds.length === 0) {
      // A new group: the longest video is the reference (ties: the smallest hash, for determinism).
      const ref = [...durations.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
      const { seq } = await this.ledger.append(tx, {
        actor,
        action: 'duplicate-group-created',
        subjects: [ref[0]],
        details: { case: caseId, reference: ref[0] },
      });
      const g = await tx.query<{ id: string }>(
        'INSERT INTO duplicate_groups (case_id, reference_sha256, reference_sec, ledger_seq) VALUES ($1, $2, $3, $4) RETURNING id',
        [caseId, ref[0], ref[1], seq],
      );
      target = { id: Number(g.rows[0]!.id), ref: ref[0], refSec: ref[1] };
      shift = -(posX.get(ref[0]) ?? 0);
    } else {
      const g = await tx.query<{ id: string; reference_sha256: string; reference_sec: number }>(
        'SELECT id, reference_sha256, reference_sec FROM duplicate_groups WHERE id = $1',
        [groupIds[0]],
      );
      target = { id: Number(g.rows[0]!.id), ref: g.rows[0]!.reference_sha256, refSec: g.rows[0]!.reference_sec };
      const anchor = cur.rows.find((r) => Number(r.group_id) === target.id)!;
      shift = anchor.offset_sec - posX.get(anchor.sha256)!;
    }

    // Every member after the change: the target group's, the merged groups' (moved onto the
    // target's timeline through a video that is in both), and the video and its links.
    const next = new Map<string, { offsetSec: number; durationSec: number; similarity: number; evidence: DuplicateEvidence }>();
    const all = await tx.query<MemberRow>(
      'SELECT sha256, group_id, kind, offset_sec, duration_sec, similarity, evidence FROM duplicate_members WHERE case_id = $1 AND group_id = ANY($2)',
      [caseId, groupIds],
    );
    for (const gid of groupIds) {
      const rows = all.rows.filter((r) => Number(r.group_id) === gid);
      const anchor = gid === target.id ? null : cur.rows.find((r) => Number(r.group_id) === gid)!;
      const gShift = anchor === null ? 0 : posX.get(anchor.sha256)! + shift - anchor.offset_sec;
      for (const r of rows) next.set(r.sha256, { offsetSec: r.offset_sec + gShift, durationSec: r.duration_sec, similarity: r.similarity, evidence: r.evidence });
    }
    const best = links.reduce((m, l) => Math.max(m, l.similarity), links.length === 0 ? 1 : 0);
    // The video is in by its pictures if any link (or its earlier membership) says so, else by the clock.
    const ownEvidence: DuplicateEvidence =
      links.length === 0 || links.some((l) => (l.evidence ?? 'fingerprint') === 'fingerprint') || mine?.evidence === 'fingerprint' ? 'fingerprint' : 'clock';
    for (const [sha, p] of posX) {
      if (next.has(sha) && sha !== video.sha256) continue; // already placed by its group
      const link = links.find((l) => l.sha256 === sha);
      next.set(sha, {
        offsetSec: p + shift,
        durationSec: durations.get(sha)!,
        similarity: sha === video.sha256 ? best : link!.similarity,
        evidence: sha === video.sha256 ? ownEvidence : link!.evidence ?? 'fingerprint',
      });
    }
    // A member placed by the clock earlier and matched by its pictures now is in by its pictures.
    for (const l of links) {
      const m = next.get(l.sha256);
      if (m && (l.evidence ?? 'fingerprint') === 'fingerprint') m.evidence = 'fingerprint';
    }

    // Durations as the fingerprints state them: a member filed before its fingerprint existed (an
    // exact copy grouped early) was recorded with 0 s, which would make every later kind wrong.
    for (const [sha, d] of durations) {
      const m = next.get(sha);
      if (m && d > 0) m.durationSec = d;
    }
    const refSec = next.get(target.ref)?.durationSec ?? target.refSec;
    const before = new Map(all.rows.map((r) => [r.sha256, r]));
    const changed: { sha256: string; kind: DuplicateKind; offsetSec: number; durationSec: number; similarity: number; evidence: DuplicateEvidence }[] = [];
    for (const [sha, m] of next) {
      const offsetSec = sha === target.ref ? 0 : round2(m.offsetSec);
      const kind = duplicateKind(sha, offsetSec, m.durationSec, { sha256: target.ref, durationSec: refSec });
      const similarity = Math.min(1, Math.max(0, round2(sha === target.ref ? 1 : m.similarity)));
      const was = before.get(sha);
      if (was && Number(was.group_id) === target.id && was.kind === kind && round2(was.offset_sec) === offsetSec && round2(was.duration_sec) === round2(m.durationSec) && was.evidence === m.evidence) continue;
      changed.push({ sha256: sha, kind, offsetSec, durationSec: m.durationSec, similarity, evidence: m.evidence });
    }
    if (changed.length === 0) return target.id;
    const { seq } = await this.ledger.append(tx, {
      actor,
      action: 'duplicates-found',
      subjects: changed.map((c) => c.sha256),
      details: {
        case: caseId,
        group: target.id,
        reference: target.ref,
        merged: groupIds.filter((g) => g !== target.id),
        members: changed.map((c) => ({ sha256: c.sha256, kind: c.kind, offsetSec: c.offsetSec, similarity: c.similarity, ...(c.evidence === 'clock' ? { evidence: c.evidence } : {}) })),
      },
    });
    for (const c of changed) {
      await tx.query(
        `INSERT INTO duplicate_members (case_id, sha256, group_id, kind, offset_sec, duration_sec, similarity, ledger_seq, evidence)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (case_id, sha256) DO UPDATE SET group_id = EXCLUDED.group_id, kind = EXCLUDED.kind, offset_sec = EXCLUDED.offset_sec,
           duration_sec = EXCLUDED.duration_sec, similarity = EXCLUDED.similarity, ledger_seq = EXCLUDED.ledger_seq, evidence = EXCLUDED.evidence`,
        [caseId, c.sha256, target.id, c.kind, c.offsetSec, c.durationSec, c.similarity, seq, c.evidence],
      );
    }
    const merged = groupIds.filter((g) => g !== target.id);
    if (merged.length > 0) await tx.query('UPDATE duplicate_groups SET merged_into = $1 WHERE id = ANY($2)', [target.id, merged]);
    return target.id;
  }

  /** The case's groups with their members (blobs), for reports. */
  async groupsOfCase(caseId: number): Promise<DuplicateGroupView[]> {
    const g = await this.db.query<{ id: string; reference_sha256: string }>(
      'SELECT id, reference_sha256 FROM duplicate_groups WHERE case_id = $1 AND merged_into IS NULL ORDER BY id',
      [caseId],
    );
    const m = await this.db.query<MemberRow>(
      'SELECT sha256, group_id, kind, offset_sec, duration_sec, similarity, evidence FROM duplicate_members WHERE case_id = $1 ORDER BY group_id, offset_sec, sha256',
      [caseId],
    );
    return g.rows
      .map((row) => ({
        id: Number(row.id),
        referenceSha256: row.reference_sha256,
        members: m.rows
          .filter((r) => Number(r.group_id) === Number(row.id))
          .map((r) => ({ sha256: r.sha256, kind: r.kind, offsetSec: r.offset_sec, durationSec: r.duration_sec, similarity: r.similarity, evidence: r.evidence })),
      }))
      .filter((x) => x.members.length > 0);
  }
}

function toStored(row: { sha256: string; fps: number; duration_sec: number; algorithm: string; hashes: Uint8Array }): StoredFingerprint {
  const hex = Buffer.from(row.hashes).toString('hex');
  const hashes: string[] = [];
  for (let i = 0; i < hex.length; i += 16) hashes.push(hex.slice(i, i + 16));
  return { sha256: row.sha256, fps: row.fps, durationSec: row.duration_sec, algorithm: row.algorithm, hashes };
}
