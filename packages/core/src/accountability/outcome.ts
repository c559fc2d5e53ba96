import type { EventStatus, ProceedingType } from './accountability.types.js';

/** What the dashboard counts: a dismissal, a disciplinary measure, a criminal case by where it stands, … */
export const OUTCOMES = [
  'dismissed',
  'disciplined',
  'criminal-opened',
  'criminal-in-court',
  'criminal-convicted',
  'criminal-acquitted',
  'criminal-closed',
  'prosecutor-inquiry',
  'court-hearing',
  'charge',
  'arrest-in-absentia',
  'wanted-list-entry',
  'asylum-application',
  'case-dismissed',
  'other',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * The outcome a proceeding stands for: its type, and for a criminal case the latest status of its
 * timeline (opened, in court, convicted, acquitted, closed).
 *
 * @example outcomeOf('criminal-case', 'in-court') // => 'criminal-in-court'
 */
export function outcomeOf(type: ProceedingType, latest: EventStatus | null): Outcome {
  switch (type) {
    case 'dismissal':
      return 'dismissed';
    case 'disciplinary-measure':
      return 'disciplined';
    case 'criminal-case':
      if (latest === 'in-court') return 'criminal-in-court';
      if (latest === 'convicted') return 'criminal-convicted';
      if (latest === 'acquitted') return 'criminal-acquitted';
      if (latest === 'closed' || latest === 'dismissed') return 'criminal-closed';
      return 'criminal-opened';
    default:
      return type;
  }
}
