export * from './pg-publication.repo.js';
