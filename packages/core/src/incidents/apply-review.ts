import { actorOf, requireCaseRole, type Caller } from '../access/caller.js';
import { contentHash } from '../access/ledger-note.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import { contentOf, incidentNote } from './incident-note.js';
import type { Checklist, Confidence, Incident, IncidentRepo, ReviewAction } from './incident.types.js';
import { checklistGaps, refusal, TRANSITIONS } from './review-rules.js';

export interface ReviewInput {
  checklist?: Checklist | null;
  confidence?: Confidence | null;
  note?: string;
  /** The content version the caller looked at; a review of an outdated view is refused. */
  expectedVersion?: number;
}

/** The shared path of the four review use cases: rules, then one transaction with its ledger entry. */
export async function applyReview(deps: { incidents: IncidentRepo }, caller: Caller, id: number, action: ReviewAction, input: ReviewInput): Promise<Incident> {
  const inc = await deps.incidents.incident(id);
  if (!inc) throw notFound(`no incident ${id}`);
  const access = await requireCaseRole(caller, inc.caseId, 'analyst');
  const why = refusal(inc, access, caller.userId, action);
  if (why) throw TRANSITIONS[action].from.includes(inc.status) ? forbidden(why) : conflict(why, { where: 'action' });
  if (input.expectedVersion !== undefined && input.expectedVersion !== inc.version) {
    throw conflict(`incident ${id} changed since you opened it (version ${inc.version}, you saw ${input.expectedVersion})`, { where: 'version' });
  }
  const note = (input.note ?? '').trim();
  const checklist = input.checklist ?? null;
  const confidence = input.confidence ?? null;
  if (action === 'verify' || action === 'dispute') {
    const gaps = checklistGaps(checklist);
    if (gaps.length > 0) throw invalid(`the ${gaps.join(', ')} analysis is not done: complete the whole checklist before you ${action}`, { where: `checklist.${gaps[0]}` });
    if (!confidence) throw invalid(`say how confident the ${action === 'verify' ? 'verification' : 'dispute'} is`, { where: 'confidence' });
  }
  if ((action === 'dispute' || action === 'reopen') && !note) throw invalid(`say why you ${action} it`, { where: 'note' });
  const t = { action, from: inc.status, to: TRANSITIONS[action].to, checklist, confidence, note };
  const segments = await deps.incidents.segments(id);
  return deps.incidents.review(id, inc.version, t, caller.userId, actorOf(caller),
    incidentNote(`incident-${action === 'submit' ? 'submitted' : action === 'verify' ? 'verified' : action === 'dispute' ? 'disputed' : 'reopened'}`, inc.caseId, id, inc.version, contentOf(inc), segments, {
      from: inc.status,
      to: t.to,
      checklist: checklist ? { source: checklist.source.done, technical: checklist.technical.done, content: checklist.content.done } : null,
      confidence,
      reviewSha256: contentHash({ checklist, confidence, note }),
    }));
}
