import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { createTestDatabase } from '@custodia/store/testing';
import { newPullToken } from '../server/intake-keys.js';
import { openIntake, serveIntake, type Intake } from '../server/intake-runtime.js';
import type { IntakeLimits } from '../server/intake.service.js';

export interface Harness {
  intake: Intake;
  url: string;
  home: string;
  pullToken: string;
  identity: string;
  recipient: string;
  close(): Promise<void>;
}

/** A real intake on a free loopback port, its own data folder, one channel "videos" with one recipient. */
export async function startHarness(kind: 'pglite' | 'postgres', limits: Partial<IntakeLimits> = {}): Promise<Harness> {
  const home = await mkdtemp(join(tmpdir(), 'custodia-intake-'));
  const pg = kind === 'postgres' ? await createTestDatabase() : null;
  const pullToken = await newPullToken(home);
  const intake = await openIntake({ home, databaseUrl: pg?.url, limits });
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  await intake.service.repo.createChannel('videos', 'Videos from places of detention');
  await intake.service.repo.addRecipient('videos', 'test recipient', recipient);
  const served = await serveIntake(intake, 0);
  return {
    intake,
    url: `http://127.0.0.1:${served.port}`,
    home,
    pullToken,
    identity,
    recipient,
    close: async () => {
      await served.stop();
      await intake.close();
      await pg?.drop();
      await rm(home, { recursive: true, force: true });
    },
  };
}
