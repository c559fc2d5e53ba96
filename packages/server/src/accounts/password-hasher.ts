import { randomBytes, timingSafeEqual } from 'node:crypto';
import { argon2id } from 'hash-wasm';

export interface Argon2Params {
  /** KiB */
  memorySize: number;
  iterations: number;
  parallelism: number;
}

/**
 * OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane): 200–350 ms per hash on this project's
 * 2-core reference machine under load. The parameters are stored in each encoded hash, so raising
 * them later leaves existing hashes verifiable.
 */
export const DEFAULT_ARGON2: Argon2Params = { memorySize: 19_456, iterations: 2, parallelism: 1 };
/** For tests only: the same code path, a fraction of the cost. */
export const TEST_ARGON2: Argon2Params = { memorySize: 1024, iterations: 1, parallelism: 1 };

const ENCODED = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Argon2id password hashes (hash-wasm), PHC-encoded with their parameters and salt. */
export class PasswordHasher {
  private dummy: string | null = null;
  constructor(readonly params: Argon2Params = DEFAULT_ARGON2) {}

  async hash(password: string): Promise<string> {
    return argon2id({
      password: password.normalize('NFC'),
      salt: randomBytes(16),
      ...this.params,
      hashLength: 32,
      outputType: 'encoded',
    });
  }

  /** Recomputes with the stored parameters and compares in constant time. */
  async verify(password: string, encoded: string): Promise<boolean> {
    const m = ENCODED.exec(encoded);
    if (!m) return false;
    const expected = Buffer.from(m[5]!, 'base64');
    const got = await argon2id({
      password: password.normalize('NFC'),
      salt: Buffer.from(m[4]!, 'base64'),
      memorySize: Number(m[1]),
      iterations: Number(m[2]),
      parallelism: Number(m[3]),
      hashLength: expected.length,
      outputType: 'binary',
    });
    return got.length === expected.length && timingSafeEqual(Buffer.from(got), expected);
  }

  /** Spends the same time as a real check, for an unknown username: the response does not tell them apart. */
  async verifyNobody(password: string): Promise<false> {
    this.dummy ??= await this.hash('not a password of anyone ' + randomBytes(8).toString('hex'));
    await this.verify(password, this.dummy);
    return false;
  }
}
