import { actorOf, type Caller } from '../access/caller.js';
import { requireRedactionRole } from '../access/item-access.js';
import type { ItemLookup } from '../annotations/item-lookup.port.js';
import { conflict, notFound } from '../errors.js';
import { redactionNote } from './redaction-note.js';
import { redactionRenderJobKey, type Redaction, type RedactionRepo } from './redaction.types.js';

export interface RenderRequestDeps {
  redactions: RedactionRepo;
  /** The renderer's tool version (e.g. "ffmpeg 5.1.9"), part of the job key; throws when there is none. */
  tool: () => Promise<string>;
  /** Knows which items are protected (ADR 0021): their redactions are absent without the grant. */
  items?: ItemLookup;
}

/**
 * Asks for the current version to be rendered (analysts and above) and returns at once: the version
 * is 'queued' and a worker renders it (ADR 0027). The worker records the output as a new blob with a
 * ledger entry naming source, recipe and output hashes and the tool, or 'failed' with the reason and
 * nothing of the output. Asking again while it is queued or rendering changes nothing; asking again
 * for a recipe already rendered from the same source with the same tool reuses that output.
 */
export async function requestRedactionRender(deps: RenderRequestDeps, caller: Caller, id: number, opts: { version?: number } = {}): Promise<Redaction> {
  const r = await deps.redactions.redaction(id);
  if (!r) throw notFound(`no redaction ${id}`);
  await requireRedactionRole(deps, caller, r, 'analyst');
  if (opts.version !== undefined && opts.version !== r.version) throw conflict(`redaction ${id} is at version ${r.version}, not ${opts.version}: reload and try again`);
  if (r.status === 'approved') throw conflict(`redaction ${id} version ${r.version} is approved: edit the recipe to make a new version first`);
  const tool = await deps.tool();
  const job = { key: redactionRenderJobKey(r.sourceSha256, r.recipeSha256, tool), payload: { sourceSha256: r.sourceSha256, recipeSha256: r.recipeSha256, recipe: r.recipe } };
  return deps.redactions.queueRender(id, r.version, caller.userId, job, actorOf(caller), (out) =>
    redactionNote('redaction-rendered', r, { user: caller.username, output: out.sha256, size: out.size, tool: out.tool, reused: true }, out.sha256),
  );
}
