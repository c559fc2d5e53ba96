import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { PgliteDb, PostgresDb, loadMigrations, migrate, type Db } from '@custodia/store';
import { createIntakeApp, PORTAL_DIST } from './intake.app.js';
import { loadOrCreateKeys } from './intake-keys.js';
import { DEFAULT_LIMITS, IntakeService, type IntakeLimits } from './intake.service.js';
import { PgIntakeRepo } from './pg-intake.repo.js';
import { purgeImported } from './retention.use-case.js';
import { createTusServer } from './tus-upload.js';

export const INTAKE_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface IntakeOptions {
  /** The intake's own data folder: db/, uploads/, keys/. */
  home: string;
  /** PostgreSQL URL; default an embedded PGlite database in `<home>/db`. */
  databaseUrl?: string;
  limits?: Partial<IntakeLimits>;
  portalDir?: string;
}

export interface Intake {
  service: IntakeService;
  uploadsDir: string;
  app: ReturnType<typeof createIntakeApp>;
  close(): Promise<void>;
}

/** Opens the intake on its own database and data folder (the same separation whether alone or beside the vault). */
export async function openIntake(opts: IntakeOptions): Promise<Intake> {
  const uploadsDir = join(opts.home, 'uploads');
  await mkdir(uploadsDir, { recursive: true, mode: 0o700 });
  const db: Db = opts.databaseUrl ? await PostgresDb.open(opts.databaseUrl) : await PgliteDb.open(join(opts.home, 'db'));
  try {
    await migrate(db, loadMigrations(INTAKE_MIGRATIONS_DIR));
    const keys = await loadOrCreateKeys(opts.home);
    const service = new IntakeService(new PgIntakeRepo(db), keys, { ...DEFAULT_LIMITS, ...opts.limits });
    const tus = createTusServer(service, uploadsDir);
    const app = createIntakeApp(service, tus, uploadsDir, opts.portalDir ?? PORTAL_DIST);
    return { service, uploadsDir, app, close: () => db.close() };
  } catch (e) {
    await db.close();
    throw e;
  }
}

/** Serves the intake on a port (loopback by default: an onion service or a reverse proxy sits in front). */
export async function serveIntake(intake: Intake, port: number, hostname = '127.0.0.1'): Promise<{ server: ServerType; port: number; stop(): Promise<void> }> {
  const sweep = async () => {
    try {
      await purgeImported(intake.service, intake.uploadsDir);
    } catch (e) {
      process.stderr.write(`intake: retention sweep failed: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  };
  await sweep();
  const timer = setInterval(() => void sweep(), 3600_000);
  timer.unref();
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: intake.app.fetch, port, hostname }, (info) => {
      // Longer than clients' keep-alive, so the server is not the one closing a connection a client is about to reuse.
      (server as unknown as { keepAliveTimeout: number; headersTimeout: number }).keepAliveTimeout = 65_000;
      (server as unknown as { keepAliveTimeout: number; headersTimeout: number }).headersTimeout = 66_000;
      resolve({
        server,
        port: info.port,
        stop: () =>
          new Promise<void>((done) => {
            clearInterval(timer);
            server.close(() => done());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    // A port in use (or refused) is the caller's to report, not an unhandled error.
    server.once('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
  });
}
