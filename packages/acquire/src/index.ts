export const PACKAGE = 'acquire';
