import { createHash } from 'node:crypto';
import { forbidden, invalid, notFound, roleRank, unavailable } from '@custodia/core';
import { AGE_RECIPIENT, checkPassphraseProtected, FileKeysRefused, importHeaders, importKeyRing, type PulledSubmission } from '@custodia/intake';
import type { Context } from 'hono';
import { z } from 'zod';
import type { AppDeps, AppEnv, AuthState, ServerApp } from '../app-env.js';
import { actorOf } from '../accounts/account.types.js';
import { requireCaseRole } from '../auth/access.js';
import { defineRoute } from '../http/define-route.js';
import { idParam } from '../http/validate.js';
import { IntakeImportJobs } from '../intake/intake-import-jobs.js';
import type { IntakeLink } from '../intake/intake-link.js';
import { PgIntakeIdentitiesRepo } from '../intake/pg-intake-identities.repo.js';

const submissionId = z.string().regex(/^sub-[0-9a-f]{20}$/, 'a submission id (sub-…)');
/** A file key as the browser sends it: 16 bytes, base64. */
const FILE_KEY = /^[A-Za-z0-9+/]{22}==$/;
/** Room for the largest submission the intake accepts (200,000 files), plus a manifest per batch. */
const MAX_FILE_KEYS = 250_000;
const MAX_REPLY_BYTES = 256 * 1024;

const identitySchema = z.object({ recipient: z.string(), protectedIdentity: z.string(), createdAt: z.string(), updatedAt: z.string() });
const channelSchema = z.object({ name: z.string(), title: z.string(), recipients: z.array(z.object({ label: z.string(), recipient: z.string() })) });
const jobSchema = z.object({
  id: z.string(), submissionId: z.string(), caseId: z.number(), caseName: z.string(), actor: z.string(),
  state: z.enum(['running', 'done', 'failed', 'interrupted']), startedAt: z.string(), finishedAt: z.string().nullable(),
  progress: z.object({ batches: z.number(), files: z.number(), bytes: z.number(), plannedFiles: z.number(), plannedBytes: z.number() }),
  result: z.unknown().nullable(), error: z.string().nullable(),
});
const batchSchema = z.object({
  id: z.string(), createdAt: z.string(), sealedAt: z.string().nullable(), importedAt: z.string().nullable(), purgedAt: z.string().nullable(),
  state: z.enum(['uploading', 'ready', 'imported', 'purged']), files: z.number(), encryptedBytes: z.number(),
});
const submissionSchema = z.object({
  id: z.string(), channel: z.string(), via: z.enum(['portal', 'form']), createdAt: z.string(),
  sourceRecipient: z.string(), recipients: z.array(z.string()), messages: z.number(),
  files: z.number(), encryptedBytes: z.number(), importStatus: z.enum(['nothing-sealed', 'waiting', 'importing', 'imported', 'partly-imported']),
  batches: z.array(batchSchema),
});
const messageSchema = z.object({ id: z.number(), author: z.enum(['source', 'staff']), createdAt: z.string(), ciphertext: z.string() });

const state = new WeakMap<AppDeps, { identities: PgIntakeIdentitiesRepo; jobs: IntakeImportJobs | null }>();
function parts(deps: AppDeps) {
  let s = state.get(deps);
  if (!s) state.set(deps, (s = { identities: new PgIntakeIdentitiesRepo(deps.vault.db), jobs: deps.intake ? new IntakeImportJobs(deps.intake, deps.vault, deps.log) : null }));
  return s;
}

/**
 * Who may use the intake inbox: instance administrators and coordinators (or case admins) of some
 * case. Reading messages further needs the user's own identity among the channel's recipients: the
 * server hands out ciphertext only, which the browser opens (ADR 0022).
 */
async function requireStaffRole(c: Context<AppEnv>, auth: AuthState): Promise<void> {
  if (auth.user.isAdmin) return;
  const strongest = (await c.get('deps').accounts.membershipsOf(auth.user.id)).reduce((n, m) => Math.max(n, roleRank(m.role)), -1);
  if (strongest < roleRank('coordinator')) throw forbidden('the intake inbox is for coordinators and administrators');
}

async function requireIntakeStaff(c: Context<AppEnv>, auth: AuthState): Promise<IntakeLink> {
  await requireStaffRole(c, auth);
  const deps = c.get('deps');
  if (!deps.intake) throw unavailable('no source intake is configured for this workspace (see docs/intake.md)');
  return deps.intake;
}

async function findSubmission(link: IntakeLink, id: string): Promise<PulledSubmission> {
  const sub = (await pullOrUnavailable(() => link.pull.submissions())).find((s) => s.id === id);
  if (!sub) throw notFound(`no submission ${id} on the intake`, { where: 'params.submissionId' });
  return sub;
}

async function pullOrUnavailable<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/^intake (GET|POST) .*: 404 /.test(msg)) throw notFound(msg);
    throw unavailable(`the intake cannot be reached: ${msg}`);
  }
}

const batchState = (b: PulledSubmission['batches'][number]) => (b.purgedAt ? 'purged' : b.importedAt ? 'imported' : b.sealedAt ? 'ready' : 'uploading');

function summarise(s: PulledSubmission, importing: boolean): z.input<typeof submissionSchema> {
  const batches = s.batches.map((b) => ({
    id: b.id, createdAt: b.createdAt, sealedAt: b.sealedAt, importedAt: b.importedAt, purgedAt: b.purgedAt,
    state: batchState(b) as 'uploading' | 'ready' | 'imported' | 'purged',
    files: b.files.length, encryptedBytes: b.files.reduce((n, f) => n + f.size, 0),
  }));
  const sealed = batches.filter((b) => b.state !== 'uploading');
  const done = sealed.filter((b) => b.state === 'imported' || b.state === 'purged');
  const importStatus = importing ? 'importing' : sealed.length === 0 ? 'nothing-sealed' : done.length === sealed.length ? 'imported' : done.length > 0 ? 'partly-imported' : 'waiting';
  return {
    id: s.id, channel: s.channel, via: s.via, createdAt: s.createdAt, sourceRecipient: s.sourceRecipient, recipients: s.recipients, messages: s.messages,
    files: batches.reduce((n, b) => n + b.files, 0), encryptedBytes: batches.reduce((n, b) => n + b.encryptedBytes, 0), importStatus, batches,
  };
}

export function registerIntakeRoutes(app: ServerApp, deps: AppDeps): void {
  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/intake', summary: 'The intake inbox: whether an intake is connected, its channels, and your own protected identity', tags: ['intake'],
      response: z.object({ connected: z.boolean(), portalUrl: z.string().nullable(), channels: z.array(channelSchema), identity: identitySchema.nullable(), error: z.string().nullable() }),
    },
    async (c, { auth }) => {
      await requireStaffRole(c, auth);
      const mine = await parts(deps).identities.get(auth.user.id);
      const identity = mine ? { recipient: mine.recipient, protectedIdentity: mine.protectedIdentity, createdAt: mine.createdAt.toISOString(), updatedAt: mine.updatedAt.toISOString() } : null;
      if (!deps.intake) return { connected: false, portalUrl: null, channels: [], identity, error: null };
      try {
        return { connected: true, portalUrl: deps.intake.portalUrl, channels: await deps.intake.pull.channels(), identity, error: null };
      } catch (e) {
        return { connected: false, portalUrl: deps.intake.portalUrl, channels: [], identity, error: e instanceof Error ? e.message : String(e) };
      }
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'put', path: '/api/intake/identity',
      summary: 'Keep your intake identity, made or opened in your browser: only its public recipient and the file encrypted to your passphrase', tags: ['intake'],
      body: z.object({ recipient: z.string().regex(AGE_RECIPIENT, 'an age X25519 recipient (age1…)'), protectedIdentity: z.string().min(1).max(8192) }),
      response: identitySchema,
    },
    async (c, { auth, body }) => {
      await requireStaffRole(c, auth);
      try {
        checkPassphraseProtected(body.protectedIdentity);
      } catch (e) {
        throw invalid((e as Error).message, { where: 'body.protectedIdentity' });
      }
      await deps.vault.db.transaction(async (tx) => {
        await parts(deps).identities.put(tx, auth.user.id, body.recipient, body.protectedIdentity.trim());
        await deps.vault.ledger.append(tx, { actor: actorOf(auth.user), action: 'intake-identity-stored', details: { user: auth.user.id, recipient: body.recipient } });
      });
      const s = (await parts(deps).identities.get(auth.user.id))!;
      return { recipient: s.recipient, protectedIdentity: s.protectedIdentity, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/intake/submissions',
      summary: 'Submissions on the intake (pseudonymous ids, times, file counts, encrypted sizes, import status) and the imports run here', tags: ['intake'],
      response: z.object({ submissions: z.array(submissionSchema), jobs: z.array(jobSchema) }),
    },
    async (c, { auth }) => {
      const link = await requireIntakeStaff(c, auth);
      const jobs = await parts(deps).jobs!.list();
      const subs = await pullOrUnavailable(() => link.pull.submissions());
      const running = new Set(jobs.filter((j) => j.state === 'running').map((j) => j.submissionId));
      return { submissions: subs.map((s) => summarise(s, running.has(s.id))).sort((a, b) => b.createdAt.localeCompare(a.createdAt)), jobs };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/intake/submissions/:submissionId/messages',
      summary: 'The conversation with a source, as age ciphertext (base64) that your browser decrypts', tags: ['intake'],
      params: z.object({ submissionId }),
      response: z.object({ messages: z.array(messageSchema) }),
    },
    async (c, { auth, params }) => {
      const link = await requireIntakeStaff(c, auth);
      const msgs = await pullOrUnavailable(() => link.pull.messages(params.submissionId));
      return { messages: msgs.map((m) => ({ id: m.id, author: m.author, createdAt: m.createdAt, ciphertext: Buffer.from(m.ciphertext).toString('base64') })) };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'post', path: '/api/intake/submissions/:submissionId/messages', status: 201,
      summary: "Reply to a source: an age file your browser encrypted to the source's key and the channel's recipients (base64)", tags: ['intake'],
      params: z.object({ submissionId }),
      body: z.object({ ciphertext: z.string().min(1).max(Math.ceil((MAX_REPLY_BYTES * 4) / 3) + 4) }),
      response: z.object({ id: z.number(), sha256: z.string() }),
    },
    async (c, { auth, params, body }) => {
      const link = await requireIntakeStaff(c, auth);
      const bytes = Buffer.from(body.ciphertext, 'base64');
      if (!bytes.subarray(0, 22).equals(Buffer.from('age-encryption.org/v1\n'))) throw invalid('a reply must be an age file encrypted in the browser', { where: 'body.ciphertext' });
      const sub = await findSubmission(link, params.submissionId);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const id = await pullOrUnavailable(() => link.pull.reply(sub.id, bytes));
      await deps.vault.db.transaction((tx) =>
        deps.vault.ledger.append(tx, { actor: actorOf(auth.user), action: 'intake-reply-sent', details: { submission: sub.id, message: id, ciphertextBytes: bytes.length, ciphertextSha256: sha256 } }),
      );
      return { id, sha256 };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/intake/submissions/:submissionId/headers',
      summary: "The age headers of what an import of the submission decrypts (manifests, uploads): your browser unwraps each file's key from them with your identity", tags: ['intake'],
      params: z.object({ submissionId }),
      response: z.object({ headers: z.array(z.object({ batchId: z.string(), uploadId: z.string().nullable(), header: z.string(), sha256: z.string() })) }),
    },
    async (c, { auth, params }) => {
      const link = await requireIntakeStaff(c, auth);
      const sub = await findSubmission(link, params.submissionId);
      const headers = await pullOrUnavailable(() => importHeaders(sub, link.pull));
      return { headers: headers.map((h) => ({ batchId: h.batchId, uploadId: h.uploadId, header: Buffer.from(h.header).toString('base64'), sha256: h.sha256 })) };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'post', path: '/api/intake/imports', status: 201,
      summary: "Import a submission's sealed batches into a case where you coordinate, with the per-file keys your browser unwrapped (never your identity); used for this job only, never stored", tags: ['intake'],
      body: z
        .object({
          submissionId,
          caseId: idParam,
          fileKeys: z.array(z.object({ header: z.string().regex(/^[0-9a-f]{64}$/, "the SHA-256 of the file's age header"), key: z.string().regex(FILE_KEY, 'a 16-byte age file key, base64') })).max(MAX_FILE_KEYS),
          again: z.boolean().default(false),
        })
        .strict(),
      response: z.object({ job: jobSchema }),
    },
    async (c, { auth, body }) => {
      const link = await requireIntakeStaff(c, auth);
      await requireCaseRole(c, body.caseId, 'coordinator');
      const caseName = (await deps.vault.db.query<{ name: string }>('SELECT name FROM cases WHERE id = $1', [body.caseId])).rows[0]!.name;
      const sub = await findSubmission(link, body.submissionId);
      if (!sub.batches.some((b) => b.sealedAt && !b.importedAt && !b.purgedAt)) throw invalid(`submission ${sub.id} has no sealed batch waiting to be imported`, { where: 'body.submissionId' });
      let ring;
      try {
        ring = await importKeyRing(sub, link.pull, body.fileKeys.map((k) => ({ header: k.header, key: new Uint8Array(Buffer.from(k.key, 'base64')) })));
      } catch (e) {
        if (e instanceof FileKeysRefused) throw invalid(e.message, { where: 'body.fileKeys' });
        throw unavailable(`the intake cannot be reached: ${e instanceof Error ? e.message : String(e)}`);
      }
      try {
        return { job: await parts(deps).jobs!.start(sub, ring, { caseId: body.caseId, caseName }, actorOf(auth.user), body.again) };
      } catch (e) {
        ring.clear();
        throw e;
      }
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'get', path: '/api/intake/imports/:jobId', summary: 'An import job started here: running, done (with what was imported and any problems), failed, or interrupted (its server stopped: import again to resume)', tags: ['intake'],
      params: z.object({ jobId: z.string().regex(/^imp-[0-9a-f]{16}$/) }),
      response: z.object({ job: jobSchema }),
    },
    async (c, { auth, params }) => {
      await requireIntakeStaff(c, auth);
      return { job: await parts(deps).jobs!.get(params.jobId) };
    },
  );
}
