import type { Db, Queryable } from '@custodia/store';
import { conflict, notFound } from '@custodia/core';

export interface Channel {
  id: number;
  name: string;
  title: string;
  recipients: { label: string; recipient: string }[];
}

export interface Submission {
  id: string;
  channelId: number;
  channelName: string;
  lookupId: string;
  verifier: Buffer;
  verifierSalt: Buffer;
  sourceRecipient: string;
  via: 'portal' | 'form';
  createdAt: Date;
}

export interface Batch {
  id: string;
  submissionId: string;
  createdAt: Date;
  manifestSha256: string | null;
  receipt: string | null;
  sealedAt: Date | null;
  importedAt: Date | null;
  purgedAt: Date | null;
}

export interface IntakeFile {
  uploadId: string;
  batchId: string;
  submissionId: string;
  size: number;
  completedAt: Date | null;
}

export interface Message {
  id: number;
  submissionId: string;
  author: 'source' | 'staff';
  ciphertext: Buffer;
  createdAt: Date;
}

type Row = Record<string, unknown>;
const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

/** The intake's records, on its own PGlite or PostgreSQL database. */
export class PgIntakeRepo {
  constructor(readonly db: Db) {}

  async createChannel(name: string, title: string): Promise<Channel> {
    const existing = await this.db.query('SELECT 1 FROM intake_channels WHERE name = $1', [name]);
    if (existing.rows.length > 0) throw conflict(`channel "${name}" already exists`);
    await this.db.query('INSERT INTO intake_channels (name, title) VALUES ($1, $2)', [name, title]);
    return this.channel(name);
  }

  async addRecipient(channelName: string, label: string, recipient: string): Promise<Channel> {
    const ch = await this.channel(channelName);
    if (ch.recipients.some((r) => r.recipient === recipient)) throw conflict(`${recipient} is already a recipient of "${channelName}"`);
    await this.db.query('INSERT INTO intake_recipients (channel_id, label, recipient) VALUES ($1, $2, $3)', [ch.id, label, recipient]);
    return this.channel(channelName);
  }

  async channels(): Promise<Channel[]> {
    const r = await this.db.query<{ name: string }>('SELECT name FROM intake_channels ORDER BY name');
    return Promise.all(r.rows.map((x) => this.channel(x.name)));
  }

  async channel(name: string): Promise<Channel> {
    const r = await this.db.query<Row>('SELECT id, name, title FROM intake_channels WHERE name = $1', [name]);
    const row = r.rows[0];
    if (!row) throw notFound(`no channel "${name}"`);
    const rec = await this.db.query<Row>(
      'SELECT label, recipient FROM intake_recipients WHERE channel_id = $1 AND removed_at IS NULL ORDER BY id',
      [row.id],
    );
    return {
      id: Number(row.id),
      name: String(row.name),
      title: String(row.title),
      recipients: rec.rows.map((x) => ({ label: String(x.label), recipient: String(x.recipient) })),
    };
  }

  async createSubmission(s: Omit<Submission, 'createdAt' | 'channelName'>): Promise<void> {
    const taken = await this.db.query('SELECT 1 FROM intake_submissions WHERE lookup_id = $1', [s.lookupId]);
    if (taken.rows.length > 0) throw conflict('this codename is already in use: start again to get a new one');
    await this.db.query(
      `INSERT INTO intake_submissions (id, channel_id, lookup_id, verifier, verifier_salt, source_recipient, via)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [s.id, s.channelId, s.lookupId, s.verifier, s.verifierSalt, s.sourceRecipient, s.via],
    );
  }

  async submissionByLookup(lookupId: string): Promise<Submission | null> {
    return this.oneSubmission('s.lookup_id = $1', lookupId);
  }

  async submission(id: string): Promise<Submission> {
    const s = await this.oneSubmission('s.id = $1', id);
    if (!s) throw notFound(`no submission ${id}`);
    return s;
  }

  private async oneSubmission(where: string, value: string): Promise<Submission | null> {
    const r = await this.db.query<Row>(
      `SELECT s.*, c.name AS channel_name FROM intake_submissions s JOIN intake_channels c ON c.id = s.channel_id WHERE ${where}`,
      [value],
    );
    const row = r.rows[0];
    if (!row) return null;
    return {
      id: String(row.id),
      channelId: Number(row.channel_id),
      channelName: String(row.channel_name),
      lookupId: String(row.lookup_id),
      verifier: Buffer.from(row.verifier as Uint8Array),
      verifierSalt: Buffer.from(row.verifier_salt as Uint8Array),
      sourceRecipient: String(row.source_recipient),
      via: row.via as 'portal' | 'form',
      createdAt: new Date(row.created_at as string),
    };
  }

  async submissions(): Promise<Submission[]> {
    const r = await this.db.query<{ id: string }>('SELECT id FROM intake_submissions ORDER BY created_at, id');
    return Promise.all(r.rows.map((x) => this.submission(x.id)));
  }

  async addSession(tokenSha256: string, submissionId: string, expiresAt: Date): Promise<void> {
    await this.db.query('DELETE FROM intake_sessions WHERE expires_at < now()');
    await this.db.query('INSERT INTO intake_sessions (token_sha256, submission_id, expires_at) VALUES ($1, $2, $3)', [
      tokenSha256,
      submissionId,
      expiresAt,
    ]);
  }

  async sessionSubmission(tokenSha256: string): Promise<string | null> {
    const r = await this.db.query<{ submission_id: string }>(
      'SELECT submission_id FROM intake_sessions WHERE token_sha256 = $1 AND expires_at > now()',
      [tokenSha256],
    );
    return r.rows[0]?.submission_id ?? null;
  }

  async createBatch(id: string, submissionId: string): Promise<Batch> {
    await this.db.query('INSERT INTO intake_batches (id, submission_id) VALUES ($1, $2)', [id, submissionId]);
    return this.batch(id);
  }

  async batch(id: string): Promise<Batch> {
    const r = await this.db.query<Row>('SELECT * FROM intake_batches WHERE id = $1', [id]);
    const row = r.rows[0];
    if (!row) throw notFound(`no batch ${id}`);
    return toBatch(row);
  }

  async batches(submissionId: string): Promise<Batch[]> {
    const r = await this.db.query<Row>('SELECT * FROM intake_batches WHERE submission_id = $1 ORDER BY created_at, id', [submissionId]);
    return r.rows.map(toBatch);
  }

  async manifest(batchId: string): Promise<Buffer | null> {
    const r = await this.db.query<{ manifest: Uint8Array | null }>('SELECT manifest FROM intake_batches WHERE id = $1', [batchId]);
    const m = r.rows[0]?.manifest;
    return m ? Buffer.from(m) : null;
  }

  /** Seals a batch once: a second manifest for the same batch is refused, the first stands. */
  async sealBatch(id: string, manifest: Buffer, manifestSha256: string, receipt: (sealedAt: Date) => string): Promise<Batch> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<Row>('SELECT sealed_at FROM intake_batches WHERE id = $1 FOR UPDATE', [id]);
      if (!r.rows[0]) throw notFound(`no batch ${id}`);
      if (r.rows[0].sealed_at !== null) throw conflict(`batch ${id} already has its manifest`);
      const sealedAt = new Date();
      await tx.query('UPDATE intake_batches SET manifest = $2, manifest_sha256 = $3, receipt = $4, sealed_at = $5 WHERE id = $1', [
        id,
        manifest,
        manifestSha256,
        receipt(sealedAt),
        sealedAt,
      ]);
      return toBatch((await tx.query<Row>('SELECT * FROM intake_batches WHERE id = $1', [id])).rows[0]!);
    });
  }

  async addFile(f: { uploadId: string; batchId: string; submissionId: string; size: number }): Promise<void> {
    await this.db.query('INSERT INTO intake_files (upload_id, batch_id, submission_id, size) VALUES ($1, $2, $3, $4)', [
      f.uploadId,
      f.batchId,
      f.submissionId,
      f.size,
    ]);
  }

  async file(uploadId: string): Promise<IntakeFile | null> {
    const r = await this.db.query<Row>('SELECT * FROM intake_files WHERE upload_id = $1', [uploadId]);
    return r.rows[0] ? toFile(r.rows[0]) : null;
  }

  async files(batchId: string): Promise<IntakeFile[]> {
    const r = await this.db.query<Row>('SELECT * FROM intake_files WHERE batch_id = $1 ORDER BY created_at, upload_id', [batchId]);
    return r.rows.map(toFile);
  }

  async completeFile(uploadId: string): Promise<void> {
    await this.db.query('UPDATE intake_files SET completed_at = now() WHERE upload_id = $1 AND completed_at IS NULL', [uploadId]);
  }

  /** Bytes the submission has declared so far (upload lengths): the quota counts what was promised. */
  async declaredBytes(submissionId: string): Promise<{ bytes: number; files: number }> {
    const r = await this.db.query<{ bytes: string | null; files: string }>(
      'SELECT sum(size)::text AS bytes, count(*)::text AS files FROM intake_files WHERE submission_id = $1',
      [submissionId],
    );
    return { bytes: Number(r.rows[0]?.bytes ?? 0), files: Number(r.rows[0]?.files ?? 0) };
  }

  async addMessage(submissionId: string, author: 'source' | 'staff', ciphertext: Uint8Array): Promise<Message> {
    const r = await this.db.query<Row>(
      'INSERT INTO intake_messages (submission_id, author, ciphertext) VALUES ($1, $2, $3) RETURNING *',
      [submissionId, author, Buffer.from(ciphertext)],
    );
    return toMessage(r.rows[0]!);
  }

  async messages(submissionId: string): Promise<Message[]> {
    const r = await this.db.query<Row>('SELECT * FROM intake_messages WHERE submission_id = $1 ORDER BY id', [submissionId]);
    return r.rows.map(toMessage);
  }

  async countRecentMessages(submissionId: string, seconds: number): Promise<number> {
    const r = await this.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM intake_messages WHERE submission_id = $1 AND author = 'source' AND created_at > now() - make_interval(secs => $2)`,
      [submissionId, seconds],
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  async markImported(batchIds: string[], detail: Record<string, unknown>): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const id of batchIds) {
        const r = await tx.query<Row>('UPDATE intake_batches SET imported_at = coalesce(imported_at, now()) WHERE id = $1 AND sealed_at IS NOT NULL RETURNING submission_id', [id]);
        if (!r.rows[0]) throw notFound(`no sealed batch ${id}`);
        await tx.query("INSERT INTO intake_events (submission_id, kind, detail) VALUES ($1, 'imported', $2)", [
          r.rows[0].submission_id,
          JSON.stringify({ batch: id, ...detail }),
        ]);
      }
    });
  }

  async importedBefore(cutoff: Date): Promise<Batch[]> {
    const r = await this.db.query<Row>('SELECT * FROM intake_batches WHERE imported_at < $1 AND purged_at IS NULL ORDER BY imported_at', [cutoff]);
    return r.rows.map(toBatch);
  }

  async markPurged(tx: Queryable, batch: Batch, files: { uploadId: string; size: number }[]): Promise<void> {
    await tx.query('UPDATE intake_batches SET purged_at = now(), manifest = NULL WHERE id = $1', [batch.id]);
    await tx.query("INSERT INTO intake_events (submission_id, kind, detail) VALUES ($1, 'purged', $2)", [
      batch.submissionId,
      JSON.stringify({ batch: batch.id, importedAt: batch.importedAt, files }),
    ]);
  }

  async events(submissionId?: string): Promise<{ id: number; submissionId: string | null; kind: string; detail: unknown; at: Date }[]> {
    const r = await this.db.query<Row>(
      submissionId ? 'SELECT * FROM intake_events WHERE submission_id = $1 ORDER BY id' : 'SELECT * FROM intake_events ORDER BY id',
      submissionId ? [submissionId] : [],
    );
    return r.rows.map((x) => ({
      id: Number(x.id),
      submissionId: (x.submission_id as string | null) ?? null,
      kind: String(x.kind),
      detail: typeof x.detail === 'string' ? JSON.parse(x.detail) : x.detail,
      at: new Date(x.at as string),
    }));
  }
}

function toBatch(row: Row): Batch {
  return {
    id: String(row.id),
    submissionId: String(row.submission_id),
    createdAt: new Date(row.created_at as string),
    manifestSha256: (row.manifest_sha256 as string | null) ?? null,
    receipt: (row.receipt as string | null) ?? null,
    sealedAt: date(row.sealed_at),
    importedAt: date(row.imported_at),
    purgedAt: date(row.purged_at),
  };
}

function toFile(row: Row): IntakeFile {
  return {
    uploadId: String(row.upload_id),
    batchId: String(row.batch_id),
    submissionId: String(row.submission_id),
    size: Number(row.size),
    completedAt: date(row.completed_at),
  };
}

function toMessage(row: Row): Message {
  return {
    id: Number(row.id),
    submissionId: String(row.submission_id),
    author: row.author as 'source' | 'staff',
    ciphertext: Buffer.from(row.ciphertext as Uint8Array),
    createdAt: new Date(row.created_at as string),
  };
}
