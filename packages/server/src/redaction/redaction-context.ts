import { roleRank, unavailable, type Caller, type CaseAccess, type Redaction, type RedactionRenderer } from '@custodia/core';
import { locateMediaTools } from '@custodia/media';
import { createRedactionRenderer } from '@custodia/pipeline';
import { PgFaceDetectionsSource, PgItemLookup, PgRedactionRepo } from '@custodia/store';
import type { AppDeps } from '../app-env.js';

export interface RedactionContext {
  redactions: PgRedactionRepo;
  items: PgItemLookup;
  faces: PgFaceDetectionsSource;
  /** Found on first use (ffmpeg is looked up once; a missing ffmpeg is reported when rendering). */
  renderer(): Promise<RedactionRenderer>;
}

const byDeps = new WeakMap<AppDeps, RedactionContext>();

/** The redaction adapters over the server's vault, built once per app. */
export function redactionContext(deps: AppDeps): RedactionContext {
  let ctx = byDeps.get(deps);
  if (!ctx) {
    let renderer: Promise<RedactionRenderer> | null = null;
    ctx = {
      redactions: new PgRedactionRepo(deps.vault.db, deps.vault.ledger),
      items: new PgItemLookup(deps.vault.db),
      faces: new PgFaceDetectionsSource(deps.vault.db),
      renderer: () => {
        // A missing ffmpeg is the server's state, not the request's fault: 503 with what to install.
        renderer ??= locateMediaTools().then(
          (tools) => createRedactionRenderer(deps.vault, tools),
          (e: Error) => {
            throw unavailable(`cannot render: ${e.message}`);
          },
        );
        renderer.catch(() => (renderer = null));
        return renderer;
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
  return { edit: analyst && r.status !== 'rendering', render: analyst && r.status !== 'rendering' && r.status !== 'approved', review };
}
