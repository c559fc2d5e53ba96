import { newPullToken, openIntake, PullClient, serveIntake, tokenMatches, loadOrCreateKeys } from '@custodia/intake';
import type { IntakeLink } from '@custodia/server';
import type { IntakeConfig, Vault } from '@custodia/store';
import { invalid } from '@custodia/core';
import { vaultIngestBatch } from './intake-ingest.js';

export interface StartedIntake {
  /** Null when the embedded intake could not start (the note says why). */
  link: IntakeLink | null;
  /** What `custodia serve` prints about the intake. */
  note: string;
  stop(): Promise<void>;
}

/**
 * The workspace's link to the source intake. Embedded (the default): the intake is opened here on
 * its own data folder and database, served on its own loopback port, and the vault still reaches it
 * only through the authenticated pull API over HTTP, as it would a remote intake; the pull token
 * is made at start and kept in memory (only its hash is on disk) unless CUSTODIA_INTAKE_TOKEN gives
 * the intake's current one. Remote: the pull API at CUSTODIA_INTAKE_URL. Null when off, or when the
 * embedded intake's port is taken (the workspace then runs without it and says why).
 */
export async function startIntakeLink(cfg: IntakeConfig, vault: Vault, opts: { port?: number } = {}): Promise<StartedIntake | null> {
  const ingestBatch: IntakeLink['ingestBatch'] = (o) => vaultIngestBatch(vault, o);
  if (cfg.mode === 'off') return null;
  if (cfg.mode === 'remote') {
    if (!cfg.token) throw invalid('CUSTODIA_INTAKE_URL is set but CUSTODIA_INTAKE_TOKEN is not (the pull token made by "custodia intake token")');
    return { link: { pull: new PullClient(cfg.url!, cfg.token), portalUrl: cfg.url!, ingestBatch }, note: `source intake: ${cfg.url} (remote)`, stop: async () => undefined };
  }
  let token = cfg.token;
  if (token) {
    const keys = await loadOrCreateKeys(cfg.home);
    if (!tokenMatches(token, keys.pullTokenSha256)) throw invalid(`CUSTODIA_INTAKE_TOKEN is not the pull token of the intake in ${cfg.home} (make one with "custodia intake token")`);
  } else token = await newPullToken(cfg.home);
  const intake = await openIntake({ home: cfg.home, ...(cfg.databaseUrl ? { databaseUrl: cfg.databaseUrl } : {}) });
  let served: Awaited<ReturnType<typeof serveIntake>>;
  try {
    served = await serveIntake(intake, opts.port ?? cfg.port, '127.0.0.1');
  } catch (e) {
    await intake.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      const port = opts.port ?? cfg.port;
      return { link: null, note: `source intake NOT started: port ${port} is in use (set CUSTODIA_INTAKE_PORT, or CUSTODIA_INTAKE=off)`, stop: async () => undefined };
    }
    throw e;
  }
  const url = `http://127.0.0.1:${served.port}`;
  return {
    link: { pull: new PullClient(url, token), portalUrl: url, ingestBatch },
    note: `source intake: portal and pull API on ${url} (embedded; data ${cfg.home})`,
    stop: async () => {
      await served.stop();
      await intake.close();
    },
  };
}
