import { DomainError, ingest, type IngestProgress } from '@custodia/core';
import type { IngestBatch } from '@custodia/intake';
import type { Vault } from '@custodia/store';
import { host, VERSION } from './context.js';
import { fsEvidenceReader } from './evidence-reader.js';

/**
 * How the vault ingests one intake batch, the same for `custodia intake import` and the web app's
 * import (run by `custodia serve`): one acquisition of kind `intake-submission`, read through the
 * batch's own reader; a batch ingested before reports its acquisition instead.
 */
export function vaultIngestBatch(vault: Vault, opts: { caseName: string; actor: string; again: boolean; progress?: IngestProgress }): IngestBatch {
  return async ({ root, reader, sourceLabel, note }) => {
    const req = { caseName: opts.caseName, roots: [root], sourceLabel, note, operator: opts.actor, host: host(), toolVersion: VERSION, kind: 'intake-submission' as const, again: opts.again };
    try {
      const res = await ingest(req, { repo: vault.repo, blobs: vault.blobs, reader: { ...fsEvidenceReader, ...reader }, ...(opts.progress ? { progress: opts.progress } : {}) });
      await vault.checkpoint();
      return { acquisitionId: res.acquisition.id, already: false, problems: res.problems };
    } catch (e) {
      const id = e instanceof DomainError && e.code === 'Conflict' ? e.details?.acquisitionId : undefined;
      if (typeof id !== 'number') throw e;
      // Ingested before (an import stopped after its acquisition completed): report that acquisition.
      const items = await vault.repo.itemsOf(id);
      const problems = items.filter((it) => it.status !== 'ok').map((it) => ({ path: it.displayPath, status: it.status, reason: it.reason ?? it.status }));
      return { acquisitionId: id, already: true, problems };
    }
  };
}
