import { randomBytes, timingSafeEqual } from 'node:crypto';
import { conflict, DomainError, invalid } from '@custodia/core';
import { argon2id } from 'hash-wasm';
import type { IntakeKeys } from './intake-keys.js';
import { sha256Hex } from './intake-keys.js';
import type { Batch, PgIntakeRepo } from './pg-intake.repo.js';
import { signReceipt } from './receipt.js';

export interface IntakeLimits {
  /** Largest single encrypted file (bytes). */
  maxFileBytes: number;
  /** Everything one submission may upload, over all its visits (bytes). */
  maxSubmissionBytes: number;
  maxFilesPerSubmission: number;
  maxManifestBytes: number;
  maxMessageBytes: number;
  /** Messages a source may send per hour. */
  messagesPerHour: number;
  /** Batches (visits with files) a submission may open per hour. */
  batchesPerHour: number;
  /** Largest file accepted by the no-JavaScript form (held in memory while it is encrypted). */
  formMaxFileBytes: number;
  sessionHours: number;
  /** Days after import before the ciphertext is deleted. */
  retentionDays: number;
}

export const DEFAULT_LIMITS: IntakeLimits = {
  maxFileBytes: 256 * 2 ** 30,
  maxSubmissionBytes: 1024 * 2 ** 30,
  maxFilesPerSubmission: 200_000,
  maxManifestBytes: 32 * 2 ** 20,
  maxMessageBytes: 256 * 1024,
  messagesPerHour: 60,
  batchesPerHour: 30,
  formMaxFileBytes: 20 * 2 ** 20,
  sessionHours: 24,
  retentionDays: 30,
};

export const forbidden = (message: string) => new DomainError('Forbidden', message);
export class TooManyRequests extends Error {}

const LOOKUP = /^[0-9a-f]{32}$/;
const AUTH = /^[0-9a-f]{64}$/;
export const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;
/** Verifier Argon2id cost: the secret it protects already has 256 bits, so this is defence in depth. */
const VERIFIER_KDF = { iterations: 2, memorySize: 19456, parallelism: 1, hashLength: 32 } as const;

/** The intake's use cases; HTTP handlers only parse, authorise and call these. */
export class IntakeService {
  private verifying = 0;
  private running = 0;
  private waiters: (() => void)[] = [];

  constructor(
    readonly repo: PgIntakeRepo,
    readonly keys: IntakeKeys,
    readonly limits: IntakeLimits = DEFAULT_LIMITS,
  ) {}

  async createSubmission(input: { channel: string; lookupId: string; authSecret: string; sourceRecipient: string }, via: 'portal' | 'form') {
    checkCredentials(input.lookupId, input.authSecret);
    if (!AGE_RECIPIENT.test(input.sourceRecipient)) throw invalid('sourceRecipient must be an age X25519 recipient (age1…)');
    const channel = await this.repo.channel(input.channel);
    if (channel.recipients.length === 0) throw conflict(`channel "${channel.name}" has no recipients yet: it cannot receive`);
    const salt = randomBytes(16);
    const verifier = await this.verifier(input.authSecret, salt);
    const id = `sub-${randomBytes(10).toString('hex')}`;
    await this.repo.createSubmission({
      id,
      channelId: channel.id,
      lookupId: input.lookupId,
      verifier,
      verifierSalt: salt,
      sourceRecipient: input.sourceRecipient,
      via,
    });
    return { submissionId: id, token: await this.newSession(id) };
  }

  /** Coming back with the codename. One message for every failure: nothing tells a guesser which part was wrong. */
  async openSession(lookupId: string, authSecret: string) {
    checkCredentials(lookupId, authSecret);
    const s = await this.repo.submissionByLookup(lookupId);
    const salt = s?.verifierSalt ?? randomBytes(16);
    const computed = await this.verifier(authSecret, salt);
    if (!s || !timingSafeEqual(computed, s.verifier)) throw forbidden('this codename is not recognised: check every word');
    return { submissionId: s.id, token: await this.newSession(s.id) };
  }

  async authenticate(token: string | undefined | null): Promise<string> {
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) throw forbidden('sign in with your codename first');
    const id = await this.repo.sessionSubmission(sha256Hex(token));
    if (!id) throw forbidden('your session has expired: enter your codename again');
    return id;
  }

  async newBatch(submissionId: string): Promise<Batch> {
    const recent = (await this.repo.batches(submissionId)).filter((b) => b.createdAt.getTime() > Date.now() - 3600_000).length;
    if (recent >= this.limits.batchesPerHour) throw new TooManyRequests(`at most ${this.limits.batchesPerHour} new batches an hour: please wait`);
    return this.repo.createBatch(`bat-${randomBytes(10).toString('hex')}`, submissionId);
  }

  /** Called when a tus upload is created: the batch must be the submission's and open, the quota not exceeded. */
  async declareUpload(submissionId: string, batchId: string, size: number, uploadId: string): Promise<void> {
    const batch = await this.repo.batch(batchId).catch(() => null);
    if (!batch || batch.submissionId !== submissionId) throw forbidden('this batch does not belong to your submission');
    if (batch.sealedAt) throw conflict('this batch already has its manifest: start a new batch to add files');
    if (!Number.isSafeInteger(size) || size < 0) throw invalid('Upload-Length is required (deferred lengths are not accepted)');
    if (size > this.limits.maxFileBytes) throw new DomainError('Invalid', `a file may not exceed ${this.limits.maxFileBytes} bytes encrypted`);
    const used = await this.repo.declaredBytes(submissionId);
    if (used.files + 1 > this.limits.maxFilesPerSubmission) throw invalid(`a submission may hold at most ${this.limits.maxFilesPerSubmission} files`);
    if (used.bytes + size > this.limits.maxSubmissionBytes) {
      throw invalid(`this submission's quota is ${this.limits.maxSubmissionBytes} bytes; ${used.bytes} are already used`);
    }
    await this.repo.addFile({ uploadId, batchId, submissionId, size });
  }

  async uploadOwner(uploadId: string): Promise<string | null> {
    return (await this.repo.file(uploadId))?.submissionId ?? null;
  }

  /** Stores the encrypted manifest, once, after every file of the batch has arrived; returns the signed receipt. */
  async sealBatch(submissionId: string, batchId: string, manifest: Uint8Array): Promise<Batch> {
    const batch = await this.repo.batch(batchId).catch(() => null);
    if (!batch || batch.submissionId !== submissionId) throw forbidden('this batch does not belong to your submission');
    if (manifest.length > this.limits.maxManifestBytes) throw invalid(`the manifest exceeds ${this.limits.maxManifestBytes} bytes`);
    if (!isAgeFile(manifest)) throw invalid('the manifest must be an age-encrypted file');
    const files = await this.repo.files(batchId);
    const pending = files.filter((f) => !f.completedAt);
    if (pending.length > 0) throw conflict(`${pending.length} file(s) of this batch have not finished uploading`);
    const digest = sha256Hex(manifest);
    return this.repo.sealBatch(batchId, Buffer.from(manifest), digest, (receivedAt) =>
      signReceipt({ submissionId, batchId, manifestSha256: digest, files: files.map((f) => ({ uploadId: f.uploadId, size: f.size })), receivedAt }, this.keys.instance),
    );
  }

  async postSourceMessage(submissionId: string, ciphertext: Uint8Array) {
    if (ciphertext.length > this.limits.maxMessageBytes) throw invalid(`a message may not exceed ${this.limits.maxMessageBytes} bytes`);
    if (!isAgeFile(ciphertext)) throw invalid('a message must be an age-encrypted file');
    if ((await this.repo.countRecentMessages(submissionId, 3600)) >= this.limits.messagesPerHour) {
      throw new TooManyRequests(`at most ${this.limits.messagesPerHour} messages an hour: please wait`);
    }
    return this.repo.addMessage(submissionId, 'source', ciphertext);
  }

  async postStaffMessage(submissionId: string, ciphertext: Uint8Array) {
    await this.repo.submission(submissionId);
    if (!isAgeFile(ciphertext)) throw invalid('a reply must be an age-encrypted file');
    if (ciphertext.length > this.limits.maxMessageBytes) throw invalid(`a reply may not exceed ${this.limits.maxMessageBytes} bytes`);
    return this.repo.addMessage(submissionId, 'staff', ciphertext);
  }

  private async newSession(submissionId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.repo.addSession(sha256Hex(token), submissionId, new Date(Date.now() + this.limits.sessionHours * 3600_000));
    return token;
  }

  /**
   * Argon2id of the client's auth secret with the pepper; two at a time and at most 32 waiting,
   * for all clients together, so guessing cannot exhaust the machine (beyond that: 429).
   */
  private async verifier(authSecret: string, salt: Uint8Array): Promise<Buffer> {
    if (this.verifying >= 2 + 32) throw new TooManyRequests('the intake is busy: try again in a few seconds');
    this.verifying += 1;
    while (this.running >= 2) await new Promise<void>((r) => this.waiters.push(r));
    this.running += 1;
    try {
      const out = await argon2id({ password: authSecret, salt, secret: this.keys.pepper, ...VERIFIER_KDF, outputType: 'binary' });
      return Buffer.from(out);
    } finally {
      this.running -= 1;
      this.verifying -= 1;
      this.waiters.shift()?.();
    }
  }
}

function checkCredentials(lookupId: string, authSecret: string): void {
  if (typeof lookupId !== 'string' || !LOOKUP.test(lookupId)) throw invalid('lookupId must be 32 hex characters');
  if (typeof authSecret !== 'string' || !AUTH.test(authSecret)) throw invalid('authSecret must be 64 hex characters');
}

const AGE_MAGIC = new TextEncoder().encode('age-encryption.org/v1\n');
export function isAgeFile(b: Uint8Array): boolean {
  if (b.length < AGE_MAGIC.length + 16) return false;
  for (let i = 0; i < AGE_MAGIC.length; i++) if (b[i] !== AGE_MAGIC[i]) return false;
  return true;
}
