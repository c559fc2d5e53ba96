export const PACKAGE = 'ledger';
