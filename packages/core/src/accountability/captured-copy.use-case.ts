import { actorOf, type Caller } from '../access/caller.js';
import { notFound } from '../errors.js';
import type { AuditLog } from '../persons/audit-log.port.js';
import type { AccountabilityDeps } from './accountability-access.js';
import { listSources } from './list-sources.use-case.js';

/**
 * The captured copy of a source, to view or download: for observers and above who may see the
 * source. The reading is recorded in the custody ledger (`viewed`, like an item's).
 */
export async function capturedCopy(deps: AccountabilityDeps & { audit: AuditLog }, caller: Caller, sourceId: number): Promise<{ sha256: string; title: string; itemId: number }> {
  const s = await deps.accountability.source(sourceId);
  if (!s) throw notFound(`no source ${sourceId}`);
  const shown = (await listSources(deps, caller, s.caseId)).find((x) => x.id === s.id);
  if (!shown) throw notFound(`no source ${sourceId}`);
  // A protected copy (ADR 0021) reads, without the grant, as no copy at all.
  if (!shown.sha256 || shown.itemId === null || !s.sha256 || s.itemId === null) throw notFound(`source ${sourceId} has no captured copy`);
  await deps.audit.record(actorOf(caller), { action: 'viewed', subjects: [s.sha256], details: { case: s.caseId, item: s.itemId, source: s.id, user: caller.userId } });
  return { sha256: s.sha256, title: s.title, itemId: s.itemId };
}
