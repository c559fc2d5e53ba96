import type { Item } from '@custodia/core';
import type { PgJobQueue, Queryable } from '@custodia/store';
import { stepKey, wantsProbe } from './steps.js';

/**
 * Enqueues the pipeline for an item that holds bytes worth probing: its probe job, whose result
 * enqueues the rest. Keyed by blob and tool version, so duplicates and re-runs enqueue nothing new.
 */
export async function enqueueItemPipeline(queue: PgJobQueue, tx: Queryable, item: Item, tool: string): Promise<boolean> {
  if (!item.sha256 || !item.size || !wantsProbe(item.kind, item.displayPath)) return false;
  const r = await queue.enqueue(tx, { name: 'probe', key: stepKey('probe', item.sha256, tool), payload: { sha256: item.sha256 } });
  return r.created;
}
