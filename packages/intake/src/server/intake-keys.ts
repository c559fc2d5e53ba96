import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateInstanceKey, type InstanceKey } from '@custodia/ledger';

/**
 * The intake's secrets, in `<home>/keys` (mode 0700): the pepper mixed into every codename
 * verifier (a stolen database alone cannot test codename guesses), the Ed25519 key that signs
 * receipts, and the SHA-256 of the vault's pull token (the token itself is shown once).
 */
export interface IntakeKeys {
  pepper: Buffer;
  instance: InstanceKey;
  pullTokenSha256: Buffer | null;
}

export const RECEIPT_KEY_NAME = 'custodia-intake';

export async function loadOrCreateKeys(home: string): Promise<IntakeKeys> {
  const dir = join(home, 'keys');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const pepper = await readOrCreate(join(dir, 'pepper'), () => randomBytes(32));
  const instanceJson = await readOrCreate(join(dir, 'receipt-key.json'), () => {
    const k = generateInstanceKey(RECEIPT_KEY_NAME);
    return Buffer.from(JSON.stringify({ name: k.name, privateKeyPem: k.privateKeyPem, publicKey: k.publicKey.toString('base64'), verifierKey: k.verifierKey }));
  });
  const parsed = JSON.parse(instanceJson.toString('utf8')) as { name: string; privateKeyPem: string; publicKey: string; verifierKey: string };
  const instance: InstanceKey = { ...parsed, publicKey: Buffer.from(parsed.publicKey, 'base64') };
  let pullTokenSha256: Buffer | null = null;
  try {
    pullTokenSha256 = Buffer.from((await readFile(join(dir, 'pull-token.sha256'), 'utf8')).trim(), 'hex');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return { pepper, instance, pullTokenSha256 };
}

/** Makes a new pull token, replacing the old one; returns it once (only its hash is kept). */
export async function newPullToken(home: string): Promise<string> {
  const token = `cit_${randomBytes(32).toString('base64url')}`;
  const dir = join(home, 'keys');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'pull-token.sha256'), sha256Hex(token) + '\n', { mode: 0o600 });
  return token;
}

export function tokenMatches(token: string, expectedSha256: Buffer | null): boolean {
  if (!expectedSha256 || expectedSha256.length !== 32) return false;
  return timingSafeEqual(createHash('sha256').update(token).digest(), expectedSha256);
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

async function readOrCreate(path: string, make: () => Buffer): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const value = make();
  await writeFile(path, value, { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  return readFile(path);
}
