import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The one-time code that lets the first visitor create the first administrator. It lives in
 * $CUSTODIA_HOME/keys/setup-code (mode 0600) while no user exists, so `custodia init` and
 * `custodia serve` print the same code; it is deleted as soon as the first user exists.
 * There is never a default password.
 */
export class SetupCode {
  constructor(private readonly home: string) {}

  private get path(): string {
    return join(this.home, 'keys', 'setup-code');
  }

  /** The current code, created if there is none. */
  async ensure(): Promise<string> {
    if (existsSync(this.path)) return (await readFile(this.path, 'utf8')).trim();
    // Crockford-like alphabet, no look-alikes; 16 characters ≈ 80 bits.
    const alphabet = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
    const bytes = randomBytes(16);
    const code = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
    const shown = code.match(/.{4}/g)!.join('-');
    await writeFile(this.path, shown + '\n', { mode: 0o600 });
    return shown;
  }

  async matches(candidate: string): Promise<boolean> {
    if (!existsSync(this.path)) return false;
    const norm = (s: string) => createHash('sha256').update(s.toUpperCase().replace(/[^0-9A-Z]/g, '')).digest();
    return timingSafeEqual(norm(await readFile(this.path, 'utf8')), norm(candidate));
  }

  async consume(): Promise<void> {
    await rm(this.path, { force: true });
  }
}
