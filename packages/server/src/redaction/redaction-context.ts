import { roleRank, unavailable, type Caller, type CaseAccess, type Redaction } from '@custodia/core';
import { locateMediaTools } from '@custodia/media';
import { PgFaceDetectionsSource, PgItemLookup, PgRedactionRepo } from '@custodia/store';
import type { AppDeps } from '../app-env.js';

export interface RedactionContext {
  redactions: PgRedactionRepo;
  items: PgItemLookup;
  faces: PgFaceDetectionsSource;
  /** The ffmpeg version renders are keyed by, found on first use (a missing ffmpeg is reported when asked to render). */
  tool(): Promise<string>;
}

const byDeps = new WeakMap<AppDeps, RedactionContext>();

/** The redaction adapters over the server's vault, built once per app. */
export function redactionContext(deps: AppDeps): RedactionContext {
  let ctx = byDeps.get(deps);
  if (!ctx) {
    let tool: Promise<string> | null = null;
    ctx = {
      redactions: new PgRedactionRepo(deps.vault.db, deps.vault.ledger),
      items: new PgItemLookup(deps.vault.db),
      faces: new PgFaceDetectionsSource(deps.vault.db),
      tool: () => {
        // A missing ffmpeg is the server's state, not the request's fault: 503 with what to install.
        tool ??= locateMediaTools().then(
          (tools) => tools.version,
          (e: Error) => {
            throw unavailable(`cannot render: ${e.message}`);
          },
        );
        tool.catch(() => (tool = null));
        return tool;
      },
    };
    byDeps.set(deps, ctx);
  }
  return ctx;
}

/** What the caller may do with a redaction now (the use cases enforce the same rules). */
export async function permissions(caller: Caller, r: Redaction): Promise<{ edit: boolean; render: boolean; review: boolean }> {
  const found = await caller.access(r.caseId);
  const access: CaseAccess | null = caller.isAdmin ? { role: 'admin', grants: [] } : found;
  const rank = access ? roleRank(access.role) : -1;
  const analyst = rank >= roleRank('analyst');
  const review =
    rank >= roleRank('reviewer') && r.status === 'rendered' && r.createdBy !== caller.userId && !r.authors.includes(caller.userId) && r.renderedBy !== caller.userId;
  const busy = r.status === 'queued' || r.status === 'rendering';
  return { edit: analyst && r.status !== 'rendering', render: analyst && !busy && r.status !== 'approved', review };
}
