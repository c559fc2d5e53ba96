import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Server as TusServer } from '@tus/server';
import { jsonBody, readBody } from './request-body.js';
import { bearer } from './tus-upload.js';
import type { IntakeService } from './intake.service.js';

const Credentials = z.object({ lookupId: z.string(), authSecret: z.string() });
const NewSubmission = Credentials.extend({ channel: z.string().min(1).max(64), sourceRecipient: z.string() });

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** The source's API: what the portal calls. Authenticated by the session token from the codename. */
export function sourceRoutes(service: IntakeService, tus: TusServer): Hono {
  const app = new Hono();
  const auth = (c: Context) => service.authenticate(bearer(c.req.raw));

  app.get('/api/channels/:name', async (c) => {
    const ch = await service.repo.channel(c.req.param('name'));
    return c.json({ name: ch.name, title: ch.title, recipients: ch.recipients.map((r) => r.recipient) });
  });
  app.get('/api/channels', async (c) => {
    const all = await service.repo.channels();
    return c.json(all.filter((ch) => ch.recipients.length > 0).map((ch) => ({ name: ch.name, title: ch.title })));
  });
  app.get('/api/receipt-key', (c) => c.json({ verifierKey: service.keys.instance.verifierKey }));

  app.post('/api/submissions', async (c) => {
    const body = await jsonBody(c, NewSubmission);
    return c.json(await service.createSubmission(body, 'portal'), 201);
  });
  app.post('/api/sessions', async (c) => {
    const body = await jsonBody(c, Credentials);
    return c.json(await service.openSession(body.lookupId, body.authSecret));
  });
  app.get('/api/submission', async (c) => {
    const id = await auth(c);
    const s = await service.repo.submission(id);
    const ch = await service.repo.channel(s.channelName);
    const batches = await service.repo.batches(id);
    return c.json({
      id,
      channel: ch.name,
      recipients: ch.recipients.map((r) => r.recipient),
      batches: await Promise.all(
        batches.map(async (b) => ({
          id: b.id,
          sealedAt: b.sealedAt,
          receipt: b.receipt,
          files: (await service.repo.files(b.id)).map((f) => ({ uploadId: f.uploadId, size: f.size, complete: f.completedAt !== null })),
        })),
      ),
    });
  });
  app.post('/api/batches', async (c) => {
    const id = await auth(c);
    const b = await service.newBatch(id);
    return c.json({ batchId: b.id }, 201);
  });
  app.put('/api/batches/:id/manifest', async (c) => {
    const id = await auth(c);
    const manifest = await readBody(c.req.raw, service.limits.maxManifestBytes);
    const b = await service.sealBatch(id, c.req.param('id'), manifest);
    return c.json({ batchId: b.id, manifestSha256: b.manifestSha256, receipt: b.receipt, verifierKey: service.keys.instance.verifierKey });
  });
  app.get('/api/messages', async (c) => {
    const id = await auth(c);
    const msgs = await service.repo.messages(id);
    return c.json(msgs.map((m) => ({ id: m.id, author: m.author, createdAt: m.createdAt, ciphertext: b64(m.ciphertext) })));
  });
  app.post('/api/messages', async (c) => {
    const id = await auth(c);
    const body = await readBody(c.req.raw, service.limits.maxMessageBytes);
    const m = await service.postSourceMessage(id, body);
    return c.json({ id: m.id }, 201);
  });

  // Only what resumable uploading needs: no GET of an upload, no DELETE, no extensions beyond creation.
  const tusOnly = async (c: Context): Promise<Response> =>
    ['POST', 'HEAD', 'PATCH', 'OPTIONS'].includes(c.req.method) ? tus.handleWeb(c.req.raw) : c.json({ error: 'method not allowed' }, 405);
  app.all('/files', tusOnly);
  app.all('/files/*', tusOnly);
  return app;
}
