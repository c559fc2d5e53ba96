import { actorOf, requireCaseRole, type Caller } from '../access/caller.js';
import { conflict, notFound } from '../errors.js';
import { redactionNote } from './redaction-note.js';
import type { Redaction, RedactionRepo, RedactionRenderer } from './redaction.types.js';

/**
 * Renders the current version (analysts and above) and waits for it: the output becomes a new blob
 * with a ledger entry naming source, recipe and output hashes and the tool. A failed render leaves
 * the redaction 'failed' with the reason (and its own ledger entry); nothing of it is recorded.
 */
export async function renderRedaction(deps: { redactions: RedactionRepo; renderer: RedactionRenderer }, caller: Caller, id: number, opts: { version?: number; signal?: AbortSignal } = {}): Promise<Redaction> {
  const r = await deps.redactions.redaction(id);
  if (!r) throw notFound(`no redaction ${id}`);
  await requireCaseRole(caller, r.caseId, 'analyst');
  if (opts.version !== undefined && opts.version !== r.version) throw conflict(`redaction ${id} is at version ${r.version}, not ${opts.version}: reload and try again`);
  if (r.status === 'approved') throw conflict(`redaction ${id} version ${r.version} is approved: edit the recipe to make a new version first`);
  if (!(await deps.redactions.startRender(id, r.version, caller.userId))) throw conflict(`redaction ${id} is already being rendered`);
  const actor = actorOf(caller);
  let out;
  try {
    out = await deps.renderer.render(r.sourceSha256, r.recipe, opts.signal);
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
    return deps.redactions.failRender(id, r.version, reason, actor, redactionNote('redaction-render-failed', r, { user: caller.username, reason }));
  }
  return deps.redactions.finishRender(id, r.version, out, actor,
    redactionNote('redaction-rendered', r, { user: caller.username, output: out.sha256, size: out.size, tool: out.tool }, out.sha256));
}
