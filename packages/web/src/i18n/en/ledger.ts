// English messages: the ledger. The same keys in ../ru/ledger.ts (checked by type).
export const ledger = {
  'ledger.title': 'Ledger',
  'ledger.intro': 'Every view of evidence and every change in this case, newest first, as recorded in the custody ledger.',
  'ledger.seq': '#',
  'ledger.time': 'Time',
  'ledger.actor': 'Who',
  'ledger.action': 'What',
  'ledger.subjects': 'Subjects',
  'ledger.older': 'Older entries',
} as const;
