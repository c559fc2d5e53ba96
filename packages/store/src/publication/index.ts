export * from './pg-publication.repo.js';
export * from './build-site.use-case.js';
export * from './site-content.js';
export * from './site-build.jobs.js';
