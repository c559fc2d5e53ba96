import type { Item } from '@custodia/core';
import type { PgJobQueue, Queryable } from '@custodia/store';
import { stepKey, wantsProbe, type StepName } from './steps.js';

/**
 * Enqueues the pipeline for an item that holds bytes worth probing: its probe job, whose result
 * enqueues the rest. Keyed by blob and tool version, so duplicates and re-runs enqueue nothing new.
 */
export async function enqueueItemPipeline(queue: PgJobQueue, tx: Queryable, item: Item, tool: string, steps?: ReadonlySet<StepName>): Promise<boolean> {
  if (!item.sha256 || !item.size || !wantsProbe(item.kind, item.displayPath)) return false;
  const r = await queue.enqueue(tx, { name: 'probe', key: stepKey('probe', item.sha256, tool), payload: { sha256: item.sha256 } });
  // Bytes seen before under another path (or in another case): no new probe, so file this copy
  // into the case's duplicate groups on its own (an exact copy belongs with the original).
  if (!r.created && (!steps || steps.has('duplicates')) && (await tx.query('SELECT 1 FROM items WHERE sha256 = $1 AND id < $2 LIMIT 1', [item.sha256, item.id])).rows.length > 0) {
    await queue.enqueue(tx, { name: 'duplicates', key: `${stepKey('duplicates', item.sha256, tool)}:item-${item.id}`, payload: { sha256: item.sha256 } });
  }
  return r.created;
}
