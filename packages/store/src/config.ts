import { resolve } from 'node:path';
import { z } from 'zod';
import { invalid } from '@custodia/core';

const schema = z.object({
  CUSTODIA_HOME: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  CUSTODIA_TSA_URLS: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(/[\s,]+/).filter(Boolean) : []))
    .pipe(z.array(z.string().url('each TSA URL must be an http(s) URL'))),
  CUSTODIA_TSA_CA_FILE: z.string().optional(),
  CUSTODIA_ORIGIN: z
    .string()
    .regex(/^[a-zA-Z0-9.\-_/]+$/, 'letters, digits, dots, dashes, underscores and slashes only')
    .optional(),
  CUSTODIA_OPERATOR: z.string().min(1).max(200).optional(),
  CUSTODIA_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/]+$/, 'the origin the browser uses, like https://custodia.example.org (no path)')
    .optional(),
  CUSTODIA_SECURE_COOKIES: z.enum(['0', '1', 'true', 'false']).optional(),
  CUSTODIA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  CUSTODIA_PIPELINE_STEPS: z
    .string()
    .regex(/^[a-z]+([\s,]+[a-z]+)*$/, 'a comma-separated list of step names, e.g. proxy,thumbnails,activity')
    .optional(),
  CUSTODIA_FACES_PROFILE: z.enum(['fast', 'standard', 'thorough']).optional(),
  CUSTODIA_FACES_FPS: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'frames per second, e.g. 1 or 0.5')
    .transform(Number)
    .pipe(z.number().min(0.1, 'at least 0.1 frame per second').max(10, 'at most 10 frames per second'))
    .optional(),
  CUSTODIA_INTAKE: z.enum(['embedded', 'off']).optional(),
  CUSTODIA_INTAKE_HOME: z.string().min(1).optional(),
  CUSTODIA_INTAKE_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  CUSTODIA_INTAKE_PORT: z.coerce.number().int().min(0).max(65535).default(8470),
  CUSTODIA_INTAKE_URL: z.string().url('the intake\'s address, like http://127.0.0.1:8470').optional(),
  CUSTODIA_INTAKE_TOKEN: z.string().min(20, 'the pull token made by "custodia intake token"').optional(),
});

export interface Config {
  home: string;
  databaseUrl: string | undefined;
  tsaUrls: string[];
  tsaCaFile: string | undefined;
  origin: string | undefined;
  operator: string | undefined;
  /** The workspace's public origin (behind a TLS proxy); writes must come from it. */
  publicUrl?: string | undefined;
  /** Session cookies marked Secure (always when publicUrl is https). */
  secureCookies?: boolean;
  logLevel?: string | undefined;
  /** The pipeline steps to run after the probe (names checked by the pipeline); default all. */
  pipelineSteps?: string[] | undefined;
  /** The faces step's detector profile and frames analysed per second of video (defaults: standard, 1). */
  faces?: { profile?: 'fast' | 'standard' | 'thorough' | undefined; sampleFps?: number | undefined };
  /** The source intake as the workspace sees it (see `IntakeConfig`). */
  intake?: IntakeConfig;
}

/**
 * Where the source intake is. `embedded` (the default): `custodia serve` also runs the intake in
 * its own process, on its own port, data folder and database, and talks to it over the pull API.
 * `remote`: the intake runs on another machine (`custodia intake serve`), reached at `url` with the
 * pull `token`. `off`: no intake.
 */
export interface IntakeConfig {
  mode: 'embedded' | 'remote' | 'off';
  /** The intake's own data folder (default `<home>/intake`): never the vault's. */
  home: string;
  databaseUrl: string | undefined;
  /** The embedded intake's port (127.0.0.1 only; an onion service sits in front). */
  port: number;
  url: string | undefined;
  token: string | undefined;
}

/**
 * The only reader of the environment. Every bad key is listed at once.
 *
 * - `CUSTODIA_HOME`: the instance's folder (database when embedded, blobs, keys); default `./data`.
 * - `DATABASE_URL`: a PostgreSQL server instead of the embedded database.
 * - `CUSTODIA_TSA_URLS`: RFC 3161 timestamp authorities that anchor each checkpoint (comma/space separated).
 * - `CUSTODIA_TSA_CA_FILE`: CA certificate(s) to check their tokens with `openssl ts -verify`.
 * - `CUSTODIA_ORIGIN`: the checkpoint origin line (the log's name); default from the instance id.
 * - `CUSTODIA_OPERATOR`: who is acting, recorded in the ledger; default the OS user.
 * - `CUSTODIA_PUBLIC_URL`: the workspace's origin as browsers see it (e.g. behind a TLS proxy).
 * - `CUSTODIA_SECURE_COOKIES`: `1` marks session cookies Secure (implied by an https public URL).
 * - `CUSTODIA_LOG_LEVEL`: the server's log level (default info).
 * - `CUSTODIA_PIPELINE_STEPS`: the steps to run after the probe, e.g. `proxy,thumbnails` to skip
 *   triage on a slow machine; default every step. Skipped steps can be queued later.
 * - `CUSTODIA_FACES_PROFILE`: `fast` | `standard` (default) | `thorough` — the face detector's
 *   profile (docs/adr/0008-face-detection.md); `CUSTODIA_FACES_FPS`: frames analysed per second of
 *   video (default 1; 0.1–10). A change is new work: results are kept beside the earlier ones.
 * - `CUSTODIA_INTAKE_HOME`, `CUSTODIA_INTAKE_DATABASE_URL`: the intake's own folder (default
 *   `<CUSTODIA_HOME>/intake`) and, optionally, its PostgreSQL database.
 * - `CUSTODIA_INTAKE_PORT`: the embedded intake's port (default 8470, on 127.0.0.1).
 * - `CUSTODIA_INTAKE_URL`, `CUSTODIA_INTAKE_TOKEN`: a remote intake and its pull token (then
 *   `custodia serve` runs no intake itself); `CUSTODIA_INTAKE=off`: no intake at all.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw invalid(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    home: resolve(c.CUSTODIA_HOME),
    databaseUrl: c.DATABASE_URL,
    tsaUrls: c.CUSTODIA_TSA_URLS,
    tsaCaFile: c.CUSTODIA_TSA_CA_FILE,
    origin: c.CUSTODIA_ORIGIN,
    operator: c.CUSTODIA_OPERATOR,
    publicUrl: c.CUSTODIA_PUBLIC_URL,
    secureCookies: c.CUSTODIA_SECURE_COOKIES === '1' || c.CUSTODIA_SECURE_COOKIES === 'true' || (c.CUSTODIA_PUBLIC_URL?.startsWith('https:') ?? false),
    logLevel: c.CUSTODIA_LOG_LEVEL,
    pipelineSteps: c.CUSTODIA_PIPELINE_STEPS?.split(/[\s,]+/).filter(Boolean),
    faces: { profile: c.CUSTODIA_FACES_PROFILE, sampleFps: c.CUSTODIA_FACES_FPS },
    intake: {
      mode: c.CUSTODIA_INTAKE === 'off' ? 'off' : c.CUSTODIA_INTAKE_URL ? 'remote' : 'embedded',
      home: resolve(c.CUSTODIA_INTAKE_HOME ?? resolve(c.CUSTODIA_HOME, 'intake')),
      databaseUrl: c.CUSTODIA_INTAKE_DATABASE_URL,
      port: c.CUSTODIA_INTAKE_PORT,
      url: c.CUSTODIA_INTAKE_URL?.replace(/\/+$/, ''),
      token: c.CUSTODIA_INTAKE_TOKEN,
    },
  };
}
