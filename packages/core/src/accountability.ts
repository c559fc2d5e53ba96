// The accountability tracker (ADR 0019): proceedings and their status timelines, sources with
// captured copies, claims quoting them, the dashboard, exports and the import file.
export * from './accountability/accountability.types.js';
export * from './accountability/accountability-import.types.js';
export * from './accountability/accountability-access.js';
export * from './accountability/outcome.js';
export * from './accountability/partial-date.js';
export * from './accountability/source-text.port.js';
export * from './accountability/facility-scope.js';
export * from './accountability/create-proceeding.use-case.js';
export * from './accountability/update-proceeding.use-case.js';
export * from './accountability/add-event.use-case.js';
export * from './accountability/update-event.use-case.js';
export * from './accountability/create-source.use-case.js';
export * from './accountability/update-source.use-case.js';
export * from './accountability/add-claim.use-case.js';
export * from './accountability/link-proceeding.use-case.js';
export * from './accountability/list-proceedings.use-case.js';
export * from './accountability/get-proceeding.use-case.js';
export * from './accountability/list-sources.use-case.js';
export * from './accountability/list-person-claims.use-case.js';
export * from './accountability/accountability-report.js';
export * from './accountability/accountability-dashboard.use-case.js';
export * from './accountability/accountability-csv.js';
export * from './accountability/export-accountability.use-case.js';
export * from './accountability/import-accountability.use-case.js';
export * from './accountability/captured-copy.use-case.js';
