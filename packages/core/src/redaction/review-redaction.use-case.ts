import { actorOf, roleRank, type Caller } from '../access/caller.js';
import { requireRedactionRole } from '../access/item-access.js';
import type { ItemLookup } from '../annotations/item-lookup.port.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import { redactionNote } from './redaction-note.js';
import type { Redaction, RedactionRepo } from './redaction.types.js';

/**
 * Approves or rejects the rendered output of the current version: a second person, reviewer or
 * above, who neither wrote a version of the recipe nor rendered it. Ledgered with the output hash.
 */
export async function reviewRedaction(deps: { redactions: RedactionRepo; items?: ItemLookup }, caller: Caller, id: number, decision: 'approve' | 'reject', input: { note?: string; version?: number } = {}): Promise<Redaction> {
  const r = await deps.redactions.redaction(id);
  if (!r) throw notFound(`no redaction ${id}`);
  const access = await requireRedactionRole(deps, caller, r, 'observer');
  if (roleRank(access.role) < roleRank('reviewer')) throw forbidden(`only a reviewer, coordinator or admin can ${decision} a redaction (you are ${access.role})`);
  if (r.createdBy === caller.userId || r.authors.includes(caller.userId)) throw forbidden(`you wrote this redaction's recipe: another reviewer must ${decision} it`);
  if (r.renderedBy === caller.userId) throw forbidden(`you rendered this redaction: another reviewer must ${decision} it`);
  if (input.version !== undefined && input.version !== r.version) throw conflict(`redaction ${id} is at version ${r.version}, not ${input.version}: reload and look again`);
  if (r.status !== 'rendered' || !r.outputSha256) throw conflict(`redaction ${id} is ${r.status}: only a rendered redaction can be ${decision === 'approve' ? 'approved' : 'rejected'}`);
  const note = (input.note ?? '').trim();
  if (note.length > 2000) throw invalid('the review note is longer than 2000 characters', { where: 'note' });
  const status = decision === 'approve' ? 'approved' : 'rejected';
  return deps.redactions.review(id, r.version, status, caller.userId, note, actorOf(caller),
    redactionNote(`redaction-${status}`, r, { user: caller.username, output: r.outputSha256, renderLedgerSeq: r.renderLedgerSeq }, r.outputSha256));
}
