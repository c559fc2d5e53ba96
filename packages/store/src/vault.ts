import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { conflict, integrity, notInitialised, systemClock, type Clock } from '@custodia/core';
import { generateInstanceKey, parseVerifierKey } from '@custodia/ledger';
import type { Config } from './config.js';
import type { Db } from './db/db.js';
import { migrate } from './db/migrate.js';
import { PgliteDb } from './db/pglite.db.js';
import { PostgresDb } from './db/postgres.db.js';
import { FsBlobStore } from './blob/fs-blob.store.js';
import { PgLedger, type CheckpointSigner, type StoredCheckpoint } from './repo/pg-ledger.repo.js';
import { PgVaultRepo } from './repo/pg-vault.repo.js';
import { PgMediaRepo } from './repo/pg-media.repo.js';
import { PgTriageRepo } from './repo/pg-triage.repo.js';
import { PgOverlayRepo } from './repo/pg-overlay.repo.js';
import { PgFacesRepo } from './repo/pg-faces.repo.js';
import { PgDuplicatesRepo } from './repo/pg-duplicates.repo.js';
import { anchorCheckpoint, type AnchorResult } from './ledger/anchor.js';

export interface InstanceInfo {
  id: string;
  origin: string;
  verifierKey: string;
  publicKey: Buffer;
  createdAt: Date;
}

export interface Vault {
  readonly config: Config;
  readonly db: Db;
  readonly blobs: FsBlobStore;
  readonly ledger: PgLedger;
  readonly repo: PgVaultRepo;
  readonly media: PgMediaRepo;
  readonly triage: PgTriageRepo;
  /** Burned-in DVR overlay readings (clock, camera label). */
  readonly overlay: PgOverlayRepo;
  readonly faces: PgFacesRepo;
  readonly duplicates: PgDuplicatesRepo;
  readonly instance: InstanceInfo;
  /** Signs the current tree head and anchors it with the configured timestamp authorities. */
  checkpoint(): Promise<{ checkpoint: StoredCheckpoint; anchors: AnchorResult[] }>;
  close(): Promise<void>;
}

const paths = (home: string) => ({
  marker: join(home, 'instance.json'),
  db: join(home, 'db'),
  blobs: join(home, 'blobs'),
  keys: join(home, 'keys'),
  privateKey: join(home, 'keys', 'instance.key'),
  verifierKey: join(home, 'keys', 'instance.vkey'),
});

async function openDb(config: Config): Promise<Db> {
  const db = config.databaseUrl ? await PostgresDb.open(config.databaseUrl) : await PgliteDb.open(paths(config.home).db);
  try {
    await migrate(db);
    return db;
  } catch (e) {
    await db.close();
    throw e;
  }
}

/**
 * Creates an instance: its folder, database, Ed25519 key (private half mode 0600, never in the
 * database) and the first signed checkpoint. Running it again on an initialised home changes nothing.
 */
export async function initVault(
  config: Config,
  opts: { actor: string; clock?: Clock },
): Promise<{ vault: Vault; created: boolean }> {
  const p = paths(config.home);
  await mkdir(config.home, { recursive: true, mode: 0o700 });
  await mkdir(p.keys, { recursive: true, mode: 0o700 });
  await mkdir(p.blobs, { recursive: true, mode: 0o700 });
  const db = await openDb(config);
  try {
    const existing = await readInstance(db);
    if (existing) {
      if (!existsSync(p.privateKey)) {
        throw conflict(
          `the database already belongs to instance ${existing.id} (${existing.origin}), but its key is not at ${p.privateKey}: ` +
            'copy keys/instance.key from the instance that created it',
        );
      }
      if (!existsSync(p.marker)) await writeMarker(p.marker, existing, config);
      return { vault: await assemble(config, db, existing, opts.clock), created: false };
    }
    const id = randomBytes(8).toString('hex');
    const origin = config.origin ?? `custodia.local/${id}`;
    const key = generateInstanceKey(origin);
    await writeFile(p.privateKey, key.privateKeyPem, { mode: 0o600, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EEXIST') {
        throw conflict(`${p.privateKey} exists but no instance is recorded in the database; refusing to overwrite a key`);
      }
      throw e;
    });
    await chmod(p.privateKey, 0o600);
    await writeFile(p.verifierKey, key.verifierKey + '\n', { mode: 0o644 });
    const ledger = new PgLedger(opts.clock ?? systemClock);
    const instance = await db.transaction(async (tx) => {
      const r = await tx.query<{ created_at: Date }>(
        'INSERT INTO instance (id, origin, public_key, verifier_key) VALUES ($1, $2, $3, $4) RETURNING created_at',
        [id, origin, key.publicKey, key.verifierKey],
      );
      await ledger.append(tx, {
        actor: opts.actor,
        action: 'instance-initialised',
        details: { instance: id, origin, verifierKey: key.verifierKey },
      });
      return { id, origin, verifierKey: key.verifierKey, publicKey: key.publicKey, createdAt: r.rows[0]!.created_at };
    });
    await writeMarker(p.marker, instance, config);
    const vault = await assemble(config, db, instance, opts.clock);
    await vault.checkpoint();
    return { vault, created: true };
  } catch (e) {
    await db.close();
    throw e;
  }
}

/** Opens an initialised instance; says clearly when `custodia init` has not been run. */
export async function openVault(config: Config, opts: { clock?: Clock } = {}): Promise<Vault> {
  const p = paths(config.home);
  if (!existsSync(p.marker)) {
    throw notInitialised(
      `no Custodia instance at ${config.home}: run "custodia init" first (or set CUSTODIA_HOME to the instance's folder)`,
    );
  }
  const db = await openDb(config);
  try {
    const instance = await readInstance(db);
    if (!instance) {
      throw notInitialised(
        `${config.home} is marked as an instance but its database holds none` +
          (config.databaseUrl ? ' (is DATABASE_URL the right server?)' : '') +
          ': run "custodia init"',
      );
    }
    return await assemble(config, db, instance, opts.clock);
  } catch (e) {
    await db.close();
    throw e;
  }
}

async function assemble(config: Config, db: Db, instance: InstanceInfo, clock: Clock = systemClock): Promise<Vault> {
  const p = paths(config.home);
  const privateKeyPem = await readFile(p.privateKey, 'utf8').catch(() => {
    throw notInitialised(`the instance key ${p.privateKey} is missing: copy it from the instance that created the database`);
  });
  const mode = (await stat(p.privateKey)).mode & 0o777;
  if (mode & 0o077) {
    throw integrity(`the instance key ${p.privateKey} is readable by others (mode ${mode.toString(8)}): run chmod 600 on it`);
  }
  const blobs = new FsBlobStore(p.blobs);
  await blobs.prepare();
  const ledger = new PgLedger(clock);
  const repo = new PgVaultRepo(db, ledger);
  const signer: CheckpointSigner = { origin: instance.origin, keyName: parseVerifierKey(instance.verifierKey).name, privateKeyPem };
  return {
    config,
    db,
    blobs,
    ledger,
    repo,
    media: new PgMediaRepo(db, ledger),
    triage: new PgTriageRepo(db, ledger),
    overlay: new PgOverlayRepo(db, ledger),
    faces: new PgFacesRepo(db, ledger),
    duplicates: new PgDuplicatesRepo(db, ledger),
    instance,
    async checkpoint() {
      const checkpoint = await ledger.checkpoint(db, signer);
      const anchors = await anchorCheckpoint(db, checkpoint, config);
      return { checkpoint, anchors };
    },
    close: () => db.close(),
  };
}

async function readInstance(db: Db): Promise<InstanceInfo | null> {
  const r = await db.query<{ id: string; origin: string; verifier_key: string; public_key: Buffer; created_at: Date }>(
    'SELECT id, origin, verifier_key, public_key, created_at FROM instance',
  );
  const row = r.rows[0];
  return row
    ? { id: row.id, origin: row.origin, verifierKey: row.verifier_key, publicKey: row.public_key, createdAt: row.created_at }
    : null;
}

async function writeMarker(path: string, instance: InstanceInfo, config: Config): Promise<void> {
  const body = {
    instance: instance.id,
    origin: instance.origin,
    verifierKey: instance.verifierKey,
    database: config.databaseUrl ? 'postgresql server (DATABASE_URL)' : 'embedded (db/)',
    createdAt: instance.createdAt.toISOString(),
  };
  await writeFile(path, JSON.stringify(body, null, 2) + '\n', { mode: 0o644 });
}
