import { contentHash } from '@custodia/core';
import { decodeEntry, type LedgerEntry } from '@custodia/ledger';
import type { Queryable } from '../db/db.js';

export interface DocumentationProblem {
  /** Where: "annotation 12 version 3", "review 7 of incident 4". */
  where: string;
  problem: string;
}

/**
 * Checks that the documentation in the database is what the custody ledger recorded: every
 * annotation version and every incident review against the entry it names (action, actor, ids,
 * content hash), and every annotation's current row against its latest version. A note rewritten
 * behind the application's back (triggers disabled, a restored old dump) is named here.
 * The Merkle tree itself is checked by `verifyLedger`; this checks the records against its entries.
 *
 * @example const problems = await verifyDocumentation(vault.db) // [] when all is as recorded
 */
export async function verifyDocumentation(db: Queryable, batch = 5000): Promise<DocumentationProblem[]> {
  const problems: DocumentationProblem[] = [];
  const entryAt = async (seqs: number[]): Promise<Map<number, LedgerEntry>> => {
    const r = await db.query<{ seq: number; entry: string }>('SELECT seq, entry FROM ledger_entries WHERE seq = ANY($1::bigint[])', [seqs]);
    return new Map(r.rows.map((x) => [x.seq, decodeEntry(Buffer.from(x.entry, 'utf8'))]));
  };

  type VersionRow = {
    annotation_id: number; version: number; start_sec: number; end_sec: number; term_ids: unknown[]; person_ids: unknown[];
    incident_id: number | null; note: string; deleted: boolean; username: string; ledger_seq: number;
  };
  for (let after = { id: 0, v: 0 }; ; ) {
    const r = await db.query<VersionRow>(
      `SELECT v.annotation_id, v.version, v.start_sec, v.end_sec, v.term_ids, v.person_ids, v.incident_id, v.note, v.deleted, u.username, v.ledger_seq
       FROM annotation_versions v JOIN users u ON u.id = v.author
       WHERE (v.annotation_id, v.version) > ($1, $2) ORDER BY v.annotation_id, v.version LIMIT $3`,
      [after.id, after.v, batch],
    );
    if (r.rows.length === 0) break;
    const entries = await entryAt(r.rows.map((x) => x.ledger_seq));
    for (const v of r.rows) {
      const where = `annotation ${v.annotation_id} version ${v.version}`;
      const e = entries.get(v.ledger_seq);
      const content = { startSec: v.start_sec, endSec: v.end_sec, termIds: v.term_ids.map(Number), personIds: v.person_ids.map(Number), incidentId: v.incident_id, note: v.note };
      if (!e) problems.push({ where, problem: `its ledger entry #${v.ledger_seq} does not exist` });
      else if (!e.action.startsWith('annotation-') || e.details.annotation !== v.annotation_id || e.details.version !== v.version) {
        problems.push({ where, problem: `ledger entry #${v.ledger_seq} is about something else (${e.action})` });
      } else if (e.details.contentSha256 !== contentHash({ ...content, deleted: v.deleted })) {
        problems.push({ where, problem: `its content differs from what ledger entry #${v.ledger_seq} recorded` });
      } else if (e.actor !== `user:${v.username}`) {
        problems.push({ where, problem: `written by ${v.username} here, by ${e.actor} in ledger entry #${v.ledger_seq}` });
      }
    }
    const last = r.rows[r.rows.length - 1]!;
    after = { id: last.annotation_id, v: last.version };
  }

  const drift = await db.query<{ id: number }>(
    `SELECT a.id FROM annotations a JOIN annotation_versions v ON v.annotation_id = a.id AND v.version = a.version
     WHERE (a.start_sec, a.end_sec, a.term_ids, a.person_ids, a.incident_id, a.note, a.deleted)
       IS DISTINCT FROM (v.start_sec, v.end_sec, v.term_ids, v.person_ids, v.incident_id, v.note, v.deleted)
     UNION SELECT a.id FROM annotations a WHERE NOT EXISTS (SELECT 1 FROM annotation_versions v WHERE v.annotation_id = a.id AND v.version = a.version)
     ORDER BY id`,
  );
  for (const d of drift.rows) problems.push({ where: `annotation ${d.id}`, problem: 'its current state is not its latest recorded version' });

  type ReviewRow = {
    id: number; incident_id: number; incident_version: number; action: string; from_status: string; to_status: string;
    username: string; checklist: unknown; confidence: string | null; note: string; ledger_seq: number;
  };
  for (let after = 0; ; ) {
    const r = await db.query<ReviewRow>(
      `SELECT r.id, r.incident_id, r.incident_version, r.action, r.from_status, r.to_status, u.username, r.checklist, r.confidence, r.note, r.ledger_seq
       FROM incident_reviews r JOIN users u ON u.id = r.reviewer WHERE r.id > $1 ORDER BY r.id LIMIT $2`,
      [after, batch],
    );
    if (r.rows.length === 0) break;
    const entries = await entryAt(r.rows.map((x) => x.ledger_seq));
    for (const v of r.rows) {
      const where = `review ${v.id} of incident ${v.incident_id}`;
      const e = entries.get(v.ledger_seq);
      if (!e) problems.push({ where, problem: `its ledger entry #${v.ledger_seq} does not exist` });
      else if (e.details.incident !== v.incident_id || e.details.version !== v.incident_version || e.details.from !== v.from_status || e.details.to !== v.to_status) {
        problems.push({ where, problem: `ledger entry #${v.ledger_seq} recorded another transition (${e.action} ${String(e.details.from)} → ${String(e.details.to)})` });
      } else if (e.details.reviewSha256 !== contentHash({ checklist: v.checklist, confidence: v.confidence, note: v.note })) {
        problems.push({ where, problem: `its checklist, confidence or note differ from what ledger entry #${v.ledger_seq} recorded` });
      } else if (e.actor !== `user:${v.username}`) {
        problems.push({ where, problem: `made by ${v.username} here, by ${e.actor} in ledger entry #${v.ledger_seq}` });
      }
    }
    after = r.rows[r.rows.length - 1]!.id;
  }
  return problems;
}
