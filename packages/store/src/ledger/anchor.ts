import {
  checkTimestampImprint,
  parseTimestampResponse,
  parseTimestampToken,
  requestTimestamp,
} from '@custodia/ledger';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { StoredCheckpoint } from '../repo/pg-ledger.repo.js';

export interface AnchorResult {
  url: string;
  ok: boolean;
  genTime?: Date;
  error?: string;
}

export interface StoredToken {
  id: number;
  checkpointId: number;
  tsaUrl: string;
  token: Buffer;
  genTime: Date;
}

/**
 * Anchors a checkpoint with every configured RFC 3161 timestamp authority that has not yet
 * timestamped it. The signed note's exact bytes are what is timestamped. A TSA that fails is
 * reported, not fatal: the ledger stays valid and `custodia ledger anchor` tries again later.
 */
export async function anchorCheckpoint(db: Db, cp: StoredCheckpoint, config: Pick<Config, 'tsaUrls'>): Promise<AnchorResult[]> {
  const results: AnchorResult[] = [];
  const done = new Set(
    (await db.query<{ tsa_url: string }>('SELECT tsa_url FROM timestamp_tokens WHERE checkpoint_id = $1', [cp.id])).rows.map(
      (r) => r.tsa_url,
    ),
  );
  const data = Buffer.from(cp.note, 'utf8');
  for (const url of config.tsaUrls) {
    if (done.has(url)) continue;
    try {
      const response = parseTimestampResponse(await requestTimestamp(url, data, { timeoutMs: 20_000 }));
      if (!response.token) {
        throw new Error(`the TSA refused the request (status ${response.status}${response.statusText ? `: ${response.statusText}` : ''})`);
      }
      if (!checkTimestampImprint(response.token, data)) throw new Error('the token does not timestamp this checkpoint (imprint mismatch)');
      const info = parseTimestampToken(response.token);
      await db.query('INSERT INTO timestamp_tokens (checkpoint_id, tsa_url, token, gen_time) VALUES ($1, $2, $3, $4)', [
        cp.id,
        url,
        response.token,
        info.genTime,
      ]);
      results.push({ url, ok: true, genTime: info.genTime });
    } catch (e) {
      results.push({ url, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return results;
}

export async function tokensOf(db: Db, checkpointId?: number): Promise<StoredToken[]> {
  const r = await db.query<{ id: number; checkpoint_id: number; tsa_url: string; token: Buffer; gen_time: Date }>(
    checkpointId === undefined
      ? 'SELECT id, checkpoint_id, tsa_url, token, gen_time FROM timestamp_tokens ORDER BY id'
      : 'SELECT id, checkpoint_id, tsa_url, token, gen_time FROM timestamp_tokens WHERE checkpoint_id = $1 ORDER BY id',
    checkpointId === undefined ? [] : [checkpointId],
  );
  return r.rows.map((row) => ({
    id: row.id,
    checkpointId: row.checkpoint_id,
    tsaUrl: row.tsa_url,
    token: row.token,
    genTime: row.gen_time,
  }));
}
