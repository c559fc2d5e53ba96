import { isDomainError } from '@custodia/core';

/** 0 all good · 1 ran, but something failed (a report says what) · 2 usage, configuration or not initialised · 3 could not run. */
export const EXIT = { ok: 0, partial: 1, usage: 2, failure: 3, interrupted: 130 } as const;

/** Maps an error to one line on stderr and an exit code, in one place. */
export function reportError(e: unknown): number {
  if (isDomainError(e)) {
    process.stderr.write(`custodia: ${e.message}\n`);
    switch (e.code) {
      case 'Invalid':
      case 'NotInitialised':
      case 'NotFound':
      case 'Conflict':
        return EXIT.usage;
      case 'Integrity':
        return EXIT.partial;
      case 'Interrupted':
        return EXIT.interrupted;
      default:
        return EXIT.failure;
    }
  }
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err === 'object' && err.code === 'ENOSPC') {
    process.stderr.write('custodia: the disk is full; nothing half-written was kept. Free space and run the same command again to resume.\n');
    return EXIT.failure;
  }
  if (err && typeof err === 'object' && (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND')) {
    process.stderr.write(`custodia: cannot reach the database server (${err.message}); check DATABASE_URL.\n`);
    return EXIT.failure;
  }
  process.stderr.write(`custodia: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.failure;
}
