import { roleRank, type CaseAccess } from '../access/caller.js';
import type { Checklist, Incident, IncidentStatus, ReviewAction } from './incident.types.js';

/** unreviewed → in-review → verified | disputed; reopen goes back to unreviewed. */
export const TRANSITIONS: Record<ReviewAction, { from: readonly IncidentStatus[]; to: IncidentStatus }> = {
  submit: { from: ['unreviewed'], to: 'in-review' },
  verify: { from: ['in-review'], to: 'verified' },
  dispute: { from: ['in-review'], to: 'disputed' },
  reopen: { from: ['in-review', 'verified', 'disputed'], to: 'unreviewed' },
};

/**
 * Why `userId` may not take `action` on the incident now, or null when they may.
 * Verification and dispute are a second person's judgement: a reviewer (or above) who neither
 * created the incident nor submitted it for review.
 */
export function refusal(incident: Incident, access: CaseAccess, userId: number, action: ReviewAction): string | null {
  const t = TRANSITIONS[action];
  if (!t.from.includes(incident.status)) return `an incident that is ${incident.status} cannot be ${pastTense[action]} (only when ${t.from.join(' or ')})`;
  const rank = roleRank(access.role);
  switch (action) {
    case 'submit':
      return rank >= roleRank('analyst') ? null : 'submitting for review needs the analyst role or above';
    case 'verify':
    case 'dispute':
      if (rank < roleRank('reviewer')) return `only a reviewer, coordinator or admin can ${action} an incident`;
      if (incident.createdBy === userId) return `you created this incident: another reviewer must ${action} it`;
      if (incident.submittedBy === userId) return `you submitted this incident for review: another reviewer must ${action} it`;
      return null;
    case 'reopen':
      if (rank >= roleRank('reviewer')) return null;
      if (incident.status === 'in-review' && rank >= roleRank('analyst') && incident.submittedBy === userId) return null;
      return 'only a reviewer (or the one who submitted it, while it is in review) can reopen an incident';
  }
}

export function allowedActions(incident: Incident, access: CaseAccess, userId: number): ReviewAction[] {
  return (Object.keys(TRANSITIONS) as ReviewAction[]).filter((a) => refusal(incident, access, userId, a) === null);
}

/** The parts of the checklist not yet done. */
export const checklistGaps = (c: Checklist | null): string[] =>
  (['source', 'technical', 'content'] as const).filter((k) => !c || !c[k].done);

const pastTense: Record<ReviewAction, string> = { submit: 'submitted', verify: 'verified', dispute: 'disputed', reopen: 'reopened' };
