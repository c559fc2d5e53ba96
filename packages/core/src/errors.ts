/**
 * Typed domain errors. Each carries a short code; the CLI maps codes to exit codes and the
 * server (later) to HTTP statuses, each in one place.
 */
export type ErrorCode =
  | 'NotFound'
  | 'Conflict'
  | 'Invalid'
  | 'Forbidden'
  | 'Integrity'
  | 'NotInitialised'
  | 'Unavailable'
  | 'Interrupted';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = `${code}Error`;
  }
}

export const notFound = (message: string, details?: Record<string, unknown>) => new DomainError('NotFound', message, details);
export const conflict = (message: string, details?: Record<string, unknown>) => new DomainError('Conflict', message, details);
export const invalid = (message: string, details?: Record<string, unknown>) => new DomainError('Invalid', message, details);
export const forbidden = (message: string, details?: Record<string, unknown>) => new DomainError('Forbidden', message, details);
export const integrity = (message: string, details?: Record<string, unknown>) => new DomainError('Integrity', message, details);
export const notInitialised = (message: string) => new DomainError('NotInitialised', message);
export const interrupted = (message: string) => new DomainError('Interrupted', message);
export const unavailable = (message: string, details?: Record<string, unknown>) => new DomainError('Unavailable', message, details);

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
