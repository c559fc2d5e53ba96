import { hostname, userInfo } from 'node:os';
import { readFileSync } from 'node:fs';
import { loadConfig, openVault, type Config, type Vault } from '@custodia/store';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export function config(): Config {
  return loadConfig();
}

/** Who is acting: CUSTODIA_OPERATOR, or the operating-system user. Recorded in the ledger. */
export function operator(cfg: Config, flag?: string): string {
  return flag ?? cfg.operator ?? safeUser();
}

export function host(): string {
  return hostname();
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Opens the instance, runs `fn`, and always closes the database (releasing the embedded lock). */
export async function withVault<T>(fn: (vault: Vault, cfg: Config) => Promise<T>): Promise<T> {
  const cfg = config();
  const vault = await openVault(cfg);
  try {
    return await fn(vault, cfg);
  } finally {
    await vault.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
