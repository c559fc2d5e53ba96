// The demo's folder: `custodia demo` only ever creates a fresh instance, and marks it as a demo
// (demo.json, readable by its owner only, holding the demo accounts' generated credentials). A
// folder without that mark is never touched: it may be someone's real instance.
import { chmod, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { conflict } from '@custodia/core';

export const DEMO_MARK = 'demo.json';

export interface DemoAccount {
  username: string;
  password: string;
  /** What the account is for in the demo. */
  role: 'administrator' | 'analyst' | 'reviewer';
  /** The administrator's TOTP secret (administrators must sign in with a second factor). */
  totpSecret: string | null;
  otpauthUrl: string | null;
}

export interface DemoState {
  format: 'custodia-demo/1';
  state: 'building' | 'ready';
  createdAt: string;
  caseName: string | null;
  accountabilityCaseName: string | null;
  accounts: DemoAccount[];
  /** What was made (clips, items, groups, incidents, …): printed again when the demo is reused. */
  summary: Record<string, unknown>;
}

export type FolderCheck = { kind: 'fresh' } | { kind: 'ready'; state: DemoState };

/**
 * What `home` holds: nothing (fresh), or a finished demo (reused). Anything else is refused with a
 * message saying what to do: an unfinished demo (interrupted), or a folder that is not a demo.
 */
export async function checkDemoFolder(home: string): Promise<FolderCheck> {
  const entries = await readdir(home).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (entries === null || entries.length === 0) return { kind: 'fresh' };
  if (!entries.includes(DEMO_MARK)) {
    throw conflict(
      `${home} is not empty and is not a Custodia demo (it may hold a real instance): custodia demo only creates a fresh instance and never touches this folder. Choose another folder with --data.`,
      { where: '--data' },
    );
  }
  let state: DemoState;
  try {
    state = JSON.parse(await readFile(join(home, DEMO_MARK), 'utf8')) as DemoState;
  } catch (e) {
    throw conflict(`${join(home, DEMO_MARK)} cannot be read (${(e as Error).message}): delete the folder and run custodia demo again`, { where: '--data' });
  }
  if (state?.format !== 'custodia-demo/1') throw conflict(`${join(home, DEMO_MARK)} is not a demo mark this version knows`, { where: '--data' });
  if (state.state !== 'ready') {
    throw conflict(`${home} holds an unfinished demo (it was interrupted): delete the folder and run custodia demo again`, { where: '--data' });
  }
  return { kind: 'ready', state };
}

/** Writes the mark atomically, readable by the owner only (it holds the demo passwords). */
export async function writeDemoState(home: string, state: DemoState): Promise<void> {
  await mkdir(home, { recursive: true });
  const tmp = join(home, `${DEMO_MARK}.tmp`);
  await writeFile(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, join(home, DEMO_MARK));
}
