import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { integrity } from '@custodia/core';

/**
 * Encrypts small secrets (TOTP seeds) at rest with AES-256-GCM under a key kept in
 * $CUSTODIA_HOME/keys/accounts.key (mode 0600), never in the database: a stolen database dump
 * alone does not give the second factors away.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== 32) throw new Error('a SecretBox key is 32 bytes');
    return new SecretBox(key);
  }

  /** Loads the key from `<home>/keys/accounts.key`, creating it on first use. */
  static async forHome(home: string): Promise<SecretBox> {
    const path = join(home, 'keys', 'accounts.key');
    if (!existsSync(path)) {
      await writeFile(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
      await chmod(path, 0o600);
    }
    const mode = (await stat(path)).mode & 0o777;
    if (mode & 0o077) throw integrity(`${path} is readable by others (mode ${mode.toString(8)}): run chmod 600 on it`);
    const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
    if (key.length !== 32) throw integrity(`${path} does not hold a 32-byte base64 key`);
    return new SecretBox(key);
  }

  seal(plain: string): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([iv, body, c.getAuthTag()]);
  }

  open(sealed: Buffer): string {
    if (sealed.length < 28) throw integrity('a sealed secret is too short');
    const d = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    try {
      return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]).toString('utf8');
    } catch {
      throw integrity('a sealed secret does not open with keys/accounts.key (wrong key, or the database value was altered)');
    }
  }
}
