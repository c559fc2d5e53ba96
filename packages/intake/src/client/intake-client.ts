import { Upload } from 'tus-js-client';
import { newAgeFile, type AgeFileSecret, type ChunkSeal } from '../crypto/age-resumable.js';
import { containsCodename, deriveCodenameKeys, type CodenameKeys } from '../crypto/codename.js';
import { EncryptingSource, type PlainReader } from '../crypto/encrypting-source.js';
import { MANIFEST_FORMAT, type Manifest, type ManifestFile } from '../crypto/manifest.js';
import { open, seal } from '../crypto/sealed.js';

/**
 * The source's side of the intake, shared by the browser portal and Node (tests, benchmark): the
 * same encryption code runs in both. Plaintext never leaves this object: the server gets age
 * ciphertext of files, manifests and messages.
 */
export interface UploadProgress {
  sent: number;
  total: number;
}

/** What is needed to resume one file's upload after a reload: secret (it holds the file key). */
export interface FileResumeState {
  uploadUrl: string | null;
  secret: { fileKey: string; prefix: string };
}

export interface UploadFileOptions {
  path: string;
  mtime: string | null;
  onProgress?: (p: UploadProgress) => void;
  /** Called when the upload URL is known, with what a later session needs to resume it. */
  onResumeState?: (s: FileResumeState) => void;
  resume?: FileResumeState;
  chunkSize?: number;
  retryDelays?: number[];
  signal?: AbortSignal;
}

export class IntakeError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class IntakeClient {
  token: string | null = null;
  submissionId: string | null = null;
  keys: CodenameKeys | null = null;
  recipients: string[] = [];

  /** `seal`: the ChaCha20-Poly1305 implementation (default the portable one the browser runs). */
  constructor(
    readonly baseUrl: string,
    private readonly seal?: ChunkSeal,
    /** Wraps each upload chunk for the HTTP stack (Node passes a one-chunk stream: far fewer writes). */
    private readonly wrapBody?: (chunk: Uint8Array) => unknown,
  ) {}

  /** First visit: registers the codename's verifier with a channel. */
  async create(channel: string, codename: string): Promise<void> {
    this.keys = await deriveCodenameKeys(codename);
    const r = await this.call<{ submissionId: string; token: string }>('POST', '/api/submissions', {
      channel,
      lookupId: this.keys.lookupId,
      authSecret: this.keys.authSecret,
      sourceRecipient: this.keys.sourceRecipient,
    });
    this.submissionId = r.submissionId;
    this.token = r.token;
    await this.refreshRecipients();
  }

  /** Coming back with the codename. */
  async signIn(codename: string): Promise<void> {
    this.keys = await deriveCodenameKeys(codename);
    const r = await this.call<{ submissionId: string; token: string }>('POST', '/api/sessions', {
      lookupId: this.keys.lookupId,
      authSecret: this.keys.authSecret,
    });
    this.submissionId = r.submissionId;
    this.token = r.token;
    await this.refreshRecipients();
  }

  async refreshRecipients(): Promise<void> {
    const s = await this.call<{ recipients: string[] }>('GET', '/api/submission');
    this.recipients = s.recipients;
  }

  async newBatch(): Promise<string> {
    return (await this.call<{ batchId: string }>('POST', '/api/batches')).batchId;
  }

  /** Encrypts and uploads one file with tus; resumes across dropped connections and server restarts. */
  async uploadFile(batchId: string, plain: PlainReader, opts: UploadFileOptions): Promise<ManifestFile> {
    const secret: AgeFileSecret = opts.resume
      ? { fileKey: fromB64(opts.resume.secret.fileKey), prefix: fromB64(opts.resume.secret.prefix) }
      : await newAgeFile(this.recipients);
    const source = await EncryptingSource.open(plain, secret, this.seal);
    const stateOf = (uploadUrl: string | null): FileResumeState => ({
      uploadUrl,
      secret: { fileKey: toB64(secret.fileKey), prefix: toB64(secret.prefix) },
    });
    opts.onResumeState?.(stateOf(opts.resume?.uploadUrl ?? null));
    const uploadUrl = await new Promise<string>((resolve, reject) => {
      const upload = new Upload({ source } as unknown as Blob, {
        endpoint: `${this.baseUrl}/files/`,
        uploadUrl: opts.resume?.uploadUrl ?? null,
        chunkSize: opts.chunkSize ?? 8 * 1024 * 1024,
        retryDelays: opts.retryDelays ?? [0, 500, 1000, 2000, 3000, 5000, 10000, 10000, 20000, 30000, 60000],
        headers: { Authorization: `Bearer ${this.token}` },
        metadata: { batch: batchId },
        storeFingerprintForResuming: false,
        removeFingerprintOnSuccess: true,
        fileReader: { openFile: async () => wrapSource(source, this.wrapBody) },
        onShouldRetry: (err) => {
          const status = err.originalResponse?.getStatus() ?? 0;
          // Refusals (quota, auth, conflict) are final; network errors and 5xx are retried.
          return status === 0 || status >= 500 || status === 423;
        },
        onProgress: (sent, total) => opts.onProgress?.({ sent, total }),
        onUploadUrlAvailable: () => opts.onResumeState?.(stateOf(upload.url)),
        onError: (e) => reject(toIntakeError(e)),
        onSuccess: () => resolve(upload.url!),
      });
      opts.signal?.addEventListener('abort', () => {
        void upload.abort();
        reject(new IntakeError(0, 'upload paused'));
      });
      upload.start();
    });
    const uploadId = uploadUrl.split('/').pop()!;
    return { uploadId, path: opts.path, size: plain.size, mtime: opts.mtime, sha256: await source.sha256(), paddedSize: source.paddedLength };
  }

  /** Encrypts the manifest to the recipients (and to the source) and seals the batch; returns the signed receipt. */
  async sealBatch(batchId: string, files: ManifestFile[]): Promise<{ receipt: string; manifestSha256: string; verifierKey: string }> {
    const manifest: Manifest = { format: MANIFEST_FORMAT, batchId, createdAt: new Date().toISOString(), files };
    const sealed = await seal(JSON.stringify(manifest), [...this.recipients, this.keys!.sourceRecipient]);
    return this.call('PUT', `/api/batches/${batchId}/manifest`, sealed);
  }

  /** The signed receipt of a batch already sealed (its manifest arrived, e.g. just before the page closed), or null. */
  async receiptOf(batchId: string): Promise<string | null> {
    const s = await this.call<{ batches: { id: string; receipt: string | null }[] }>('GET', '/api/submission');
    return s.batches.find((b) => b.id === batchId)?.receipt ?? null;
  }

  /** Sends a message end-to-end encrypted to the recipients and to the source's own key. */
  async sendMessage(text: string, codename: string): Promise<void> {
    if (containsCodename(text, codename)) throw new IntakeError(400, 'this message contains your codename: remove it before sending');
    const sealed = await seal(text, [...this.recipients, this.keys!.sourceRecipient]);
    await this.call('POST', '/api/messages', sealed);
  }

  async readMessages(): Promise<{ id: number; author: 'source' | 'staff'; createdAt: string; text: string }[]> {
    const list = await this.call<{ id: number; author: 'source' | 'staff'; createdAt: string; ciphertext: string }[]>('GET', '/api/messages');
    const out = [];
    for (const m of list) {
      let text: string;
      try {
        text = new TextDecoder().decode(await open(fromB64(m.ciphertext), [this.keys!.sourceIdentity]));
      } catch {
        text = '(this message could not be decrypted with your codename)';
      }
      out.push({ id: m.id, author: m.author, createdAt: m.createdAt, text });
    }
    return out;
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: string | Uint8Array | undefined;
    if (body instanceof Uint8Array) {
      payload = body;
      headers['content-type'] = 'application/octet-stream';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    // A connection the server closed while idle can fail the first try: retry network errors (an
    // extra empty batch is the worst a retried POST can leave).
    const send = async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload as string | undefined });
        } catch (e) {
          if (attempt >= 3) throw new IntakeError(0, `cannot reach the intake: ${(e as Error).message}`);
          await new Promise((r) => setTimeout(r, 300 * (attempt + 1)));
        }
      }
    };
    let res = await send();
    // 429 means the intake is busy verifying other codenames: wait and try again, a few times.
    for (let attempt = 1; res.status === 429 && attempt <= 8; attempt++) {
      await res.text();
      await new Promise((r) => setTimeout(r, 500 * attempt));
      res = await send();
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new IntakeError(res.status, message);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

function wrapSource(source: EncryptingSource, wrapBody?: (chunk: Uint8Array) => unknown) {
  return {
    size: source.size,
    async slice(start: number, end: number) {
      const bytes = await source.slice(start, end);
      const value = wrapBody ? wrapBody(bytes) : bytes;
      // tus-js-client's Node HTTP stack reads `.size` for Content-Length.
      (value as { size?: number }).size = bytes.length;
      return { value, done: end >= source.size };
    },
    close() {},
  };
}

function toIntakeError(e: Error & { originalResponse?: { getStatus(): number; getBody(): string } | null }): IntakeError {
  const res = e.originalResponse;
  if (res) return new IntakeError(res.getStatus(), (res.getBody() || e.message).trim());
  return new IntakeError(0, e.message);
}

export function toB64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromB64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
