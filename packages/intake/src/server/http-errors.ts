import { isDomainError } from '@custodia/core';
import { TooManyRequests } from './intake.service.js';

/** The one place where domain errors become HTTP statuses. */
export function httpStatus(e: unknown): 400 | 403 | 404 | 409 | 413 | 422 | 429 | 500 {
  if (e instanceof TooManyRequests) return 429;
  if (!isDomainError(e)) return 500;
  switch (e.code) {
    case 'Forbidden':
      return 403;
    case 'NotFound':
      return 404;
    case 'Conflict':
      return 409;
    case 'Integrity':
      return 422;
    case 'Invalid':
      return /quota|exceed|at most/.test(e.message) ? 413 : 400;
    default:
      return 500;
  }
}

export function publicMessage(e: unknown): string {
  return httpStatus(e) === 500 ? 'internal error' : (e as Error).message;
}
