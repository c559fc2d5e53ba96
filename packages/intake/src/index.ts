// @custodia/intake — secure source intake: the server, the crypto shared with the portal, the client.
export * from './crypto/age-resumable.js';
export * from './crypto/codename.js';
export * from './crypto/encrypting-source.js';
export * from './crypto/manifest.js';
export * from './crypto/manifest.schema.js';
export * from './crypto/padding.js';
export * from './crypto/sealed.js';
export * from './client/intake-client.js';
export * from './server/intake-keys.js';
export * from './server/intake-runtime.js';
export * from './server/intake.service.js';
export * from './server/pg-intake.repo.js';
export * from './server/receipt.js';
export * from './server/retention.use-case.js';
export * from './node/node-age.js';
export * from './vault/pull.client.js';
export * from './vault/intake-import.use-case.js';
