export const PACKAGE = 'store';
