import { isDomainError, type DomainError } from '@custodia/core';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Error codes of the HTTP API (docs/api.md). */
export type ApiErrorCode =
  | 'not-found'
  | 'invalid'
  | 'forbidden'
  | 'conflict'
  | 'unauthenticated'
  | 'totp-required'
  | 'totp-enrolment-required'
  | 'throttled'
  | 'integrity'
  | 'unavailable'
  | 'internal';

/**
 * Errors that only exist at the HTTP boundary (authentication, throttling). Domain errors from
 * @custodia/core are mapped to statuses in `toApiError`, in one place.
 */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const unauthenticated = (message = 'sign in first') => new HttpError(401, 'unauthenticated', message);
export const totpRequired = (message = 'enter the 6-digit code from your authenticator app') => new HttpError(401, 'totp-required', message);
export const totpEnrolmentRequired = (message = 'set up a second factor (TOTP) before going on') =>
  new HttpError(403, 'totp-enrolment-required', message);
export const throttled = (retryAfterSec: number) =>
  new HttpError(429, 'throttled', `too many failed sign-ins for this account; try again in ${retryAfterSec} s`, {
    'retry-after': String(retryAfterSec),
  });

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; where?: string; requestId?: string };
}

const DOMAIN: Record<DomainError['code'], { status: ContentfulStatusCode; code: ApiErrorCode }> = {
  NotFound: { status: 404, code: 'not-found' },
  Invalid: { status: 400, code: 'invalid' },
  Forbidden: { status: 403, code: 'forbidden' },
  Conflict: { status: 409, code: 'conflict' },
  Integrity: { status: 500, code: 'integrity' },
  NotInitialised: { status: 503, code: 'unavailable' },
  Unavailable: { status: 503, code: 'unavailable' },
  Interrupted: { status: 503, code: 'unavailable' },
};

/** The one place where errors become HTTP statuses and bodies. `internal` hides the message. */
export function toApiError(e: unknown): { status: ContentfulStatusCode; body: ApiErrorBody; headers: Record<string, string>; internal: boolean } {
  if (e instanceof HttpError) {
    return { status: e.status, body: { error: { code: e.code, message: e.message } }, headers: e.headers, internal: false };
  }
  if (isDomainError(e)) {
    const m = DOMAIN[e.code];
    const where = typeof e.details?.where === 'string' ? e.details.where : undefined;
    return {
      status: m.status,
      body: { error: { code: m.code, message: e.message, ...(where ? { where } : {}) } },
      headers: {},
      internal: m.status >= 500,
    };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error; the server log has the details' } }, headers: {}, internal: true };
}
