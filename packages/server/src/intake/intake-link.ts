import type { IngestProgress } from '@custodia/core';
import type { IngestBatch, PullClient } from '@custodia/intake';

/**
 * How the workspace reaches the source intake: its pull API (the same authenticated HTTP API the
 * CLI uses, whether the intake runs in this process or on another machine), where sources find
 * the portal, and how the vault ingests a batch (supplied by the composition root, which owns the
 * evidence readers). Null in AppDeps when no intake is configured.
 */
export interface IntakeLink {
  pull: PullClient;
  /** The portal's address as configured (for staff to check; sources get the onion address). */
  portalUrl: string | null;
  /** Ingest one batch into the named case as `actor`; `again` records a new acquisition. */
  ingestBatch(opts: { caseName: string; actor: string; again: boolean; progress?: IngestProgress }): IngestBatch;
}
