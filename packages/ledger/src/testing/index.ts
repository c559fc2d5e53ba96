// Test helpers for other packages: `import { startLocalTsa } from '@custodia/ledger/testing'`.
export { startLocalTsa, type LocalTsa, type LocalTsaBehaviour } from './local-tsa.js';
