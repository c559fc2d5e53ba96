import { Readable } from 'node:stream';
import { z } from 'zod';
import { ageHeaderOf } from '../node/file-keys.js';

const FileRow = z.object({ uploadId: z.string(), size: z.number(), complete: z.boolean() });
const BatchRow = z.object({
  id: z.string(),
  submissionId: z.string(),
  createdAt: z.string(),
  manifestSha256: z.string().nullable(),
  receipt: z.string().nullable(),
  sealedAt: z.string().nullable(),
  importedAt: z.string().nullable(),
  purgedAt: z.string().nullable(),
  files: z.array(FileRow),
});
const SubmissionRow = z.object({
  id: z.string(),
  channel: z.string(),
  via: z.enum(['portal', 'form']),
  createdAt: z.string(),
  sourceRecipient: z.string(),
  recipients: z.array(z.string()),
  messages: z.number(),
  batches: z.array(BatchRow),
});
const ChannelRow = z.object({ name: z.string(), title: z.string(), recipients: z.array(z.object({ label: z.string(), recipient: z.string() })) });
const EventRow = z.object({ id: z.number(), submissionId: z.string().nullable(), kind: z.string(), detail: z.unknown(), at: z.string() });
const MessageRow = z.object({ id: z.number(), author: z.enum(['source', 'staff']), createdAt: z.string(), ciphertext: z.string() });

export type PulledSubmission = z.infer<typeof SubmissionRow>;
export type PulledBatch = z.infer<typeof BatchRow>;
export type PulledChannel = z.infer<typeof ChannelRow>;
export type PulledEvent = z.infer<typeof EventRow>;

/** The vault's side of the pull API: everything it receives is validated, everything it fetches is ciphertext. */
export class PullClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async channels(): Promise<PulledChannel[]> {
    return z.array(ChannelRow).parse(await (await this.get('/pull/channels')).json());
  }

  async submissions(): Promise<PulledSubmission[]> {
    return z.array(SubmissionRow).parse(await (await this.get('/pull/submissions')).json());
  }

  /** The intake's own record of what it did (imports acknowledged, ciphertext deleted), oldest first. */
  async events(): Promise<PulledEvent[]> {
    return z.array(EventRow).parse(await (await this.get('/pull/events')).json());
  }

  async manifest(batchId: string): Promise<Uint8Array> {
    return new Uint8Array(await (await this.get(`/pull/batches/${encodeURIComponent(batchId)}/manifest`)).arrayBuffer());
  }

  async file(uploadId: string): Promise<AsyncIterable<Uint8Array>> {
    const res = await this.get(`/pull/files/${encodeURIComponent(uploadId)}`);
    return Readable.fromWeb(res.body as never) as AsyncIterable<Uint8Array>;
  }

  /** The age header at the start of an upload (read until it is complete, the rest not fetched). */
  async fileHeader(uploadId: string): Promise<Uint8Array> {
    const res = await this.get(`/pull/files/${encodeURIComponent(uploadId)}`);
    const reader = res.body!.getReader();
    let buf = new Uint8Array(0);
    try {
      for (;;) {
        const header = ageHeaderOf(buf);
        if (header) return header.slice();
        if (buf.length > 1 << 20) throw new Error(`upload ${uploadId}: no age header in its first MiB`);
        const { value, done } = await reader.read();
        if (done) throw new Error(`upload ${uploadId}: not an age file`);
        const next = new Uint8Array(buf.length + value.length);
        next.set(buf);
        next.set(value, buf.length);
        buf = next;
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  async messages(submissionId: string) {
    const rows = z.array(MessageRow).parse(await (await this.get(`/pull/submissions/${encodeURIComponent(submissionId)}/messages`)).json());
    return rows.map((m) => ({ ...m, ciphertext: new Uint8Array(Buffer.from(m.ciphertext, 'base64')) }));
  }

  /** Posts a staff message (an age file) to the submission; returns the intake's message id. */
  async reply(submissionId: string, ciphertext: Uint8Array): Promise<number> {
    const res = await this.send('POST', `/pull/submissions/${encodeURIComponent(submissionId)}/messages`, ciphertext, 'application/octet-stream');
    return z.object({ id: z.number() }).parse(await res.json()).id;
  }

  async markImported(batches: string[], acquisition: string): Promise<void> {
    await this.send('POST', '/pull/imported', JSON.stringify({ batches, acquisition }), 'application/json');
  }

  private async get(path: string): Promise<Response> {
    return this.send('GET', path);
  }

  private async send(method: string, path: string, body?: string | Uint8Array, type?: string): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (type) headers['content-type'] = type;
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body as string | undefined });
    if (!res.ok) {
      const text = await res.text();
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // plain text
      }
      throw new Error(`intake ${method} ${path}: ${res.status} ${message}`);
    }
    return res;
  }
}
