import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { z } from 'zod';
import { notFound } from '@custodia/core';
import { forbidden, type IntakeService } from './intake.service.js';
import { tokenMatches } from './intake-keys.js';
import { jsonBody, readBody } from './request-body.js';

const Imported = z.object({ batches: z.array(z.string().regex(/^bat-[0-9a-f]{20}$/)).min(1), acquisition: z.string().max(200).optional() });

/**
 * The vault's pull API (`/pull/…`), authenticated by a shared bearer token of 256 bits whose
 * SHA-256 alone is kept on the intake. Served on the same port: in an onion deployment the vault
 * reaches it through the onion service too, so no second listener faces the network.
 */
export function pullRoutes(service: IntakeService, uploadsDir: string): Hono {
  const app = new Hono();
  app.use('/pull/*', async (c, next) => {
    const h = c.req.header('authorization');
    const token = h?.startsWith('Bearer ') ? h.slice(7).trim() : '';
    if (!tokenMatches(token, service.keys.pullTokenSha256)) throw forbidden('the pull API needs the vault pull token');
    await next();
  });

  // Channels and who each encrypts to (labels and public keys only): what the staff inbox lists.
  app.get('/pull/channels', async (c) => {
    const all = await service.repo.channels();
    return c.json(all.map((ch) => ({ name: ch.name, title: ch.title, recipients: ch.recipients.map((r) => ({ label: r.label, recipient: r.recipient })) })));
  });
  app.get('/pull/submissions', async (c) => {
    const subs = await service.repo.submissions();
    return c.json(
      await Promise.all(
        subs.map(async (s) => ({
          id: s.id,
          channel: s.channelName,
          via: s.via,
          createdAt: s.createdAt,
          sourceRecipient: s.sourceRecipient,
          recipients: (await service.repo.channel(s.channelName)).recipients.map((r) => r.recipient),
          messages: (await service.repo.messages(s.id)).length,
          batches: await Promise.all(
            (await service.repo.batches(s.id)).map(async (b) => ({
              ...b,
              files: (await service.repo.files(b.id)).map((f) => ({ uploadId: f.uploadId, size: f.size, complete: f.completedAt !== null })),
            })),
          ),
        })),
      ),
    );
  });
  app.get('/pull/batches/:id/manifest', async (c) => {
    const m = await service.repo.manifest(c.req.param('id'));
    if (!m) throw notFound(`batch ${c.req.param('id')} has no manifest (not sealed yet, or purged)`);
    return c.body(new Uint8Array(m), 200, { 'content-type': 'application/octet-stream' });
  });
  app.get('/pull/files/:uploadId', async (c) => {
    const f = await service.repo.file(c.req.param('uploadId'));
    if (!f || !f.completedAt) throw notFound(`no complete upload ${c.req.param('uploadId')}`);
    const path = join(uploadsDir, f.uploadId);
    const st = await stat(path).catch(() => null);
    if (!st) throw notFound(`upload ${f.uploadId} is no longer on the intake (purged?)`);
    const body = Readable.toWeb(createReadStream(path, { highWaterMark: 1 << 20 })) as unknown as ReadableStream;
    return c.body(body, 200, { 'content-type': 'application/octet-stream', 'content-length': String(st.size) });
  });
  app.get('/pull/submissions/:id/messages', async (c) => {
    const msgs = await service.repo.messages(c.req.param('id'));
    return c.json(msgs.map((m) => ({ id: m.id, author: m.author, createdAt: m.createdAt, ciphertext: m.ciphertext.toString('base64') })));
  });
  app.post('/pull/submissions/:id/messages', async (c) => {
    const body = await readBody(c.req.raw, service.limits.maxMessageBytes);
    const m = await service.postStaffMessage(c.req.param('id'), body);
    return c.json({ id: m.id }, 201);
  });
  app.post('/pull/imported', async (c) => {
    const body = await jsonBody(c, Imported);
    await service.repo.markImported(body.batches, { acquisition: body.acquisition ?? null });
    return c.json({ ok: true });
  });
  app.get('/pull/events', async (c) => c.json(await service.repo.events()));
  return app;
}
