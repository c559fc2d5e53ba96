import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { invalid } from '@custodia/core';
import { newAgeFile } from '../crypto/age-resumable.js';
import { containsCodename, deriveCodenameKeys, generateCodename, normalizeCodename } from '../crypto/codename.js';
import { EncryptingSource } from '../crypto/encrypting-source.js';
import { MANIFEST_FORMAT, type Manifest } from '../crypto/manifest.js';
import { seal } from '../crypto/sealed.js';
import { publicMessage } from './http-errors.js';
import type { IntakeService } from './intake.service.js';

const WEAKER = `This form works without JavaScript. The price: your message and file travel to this server
unencrypted (inside the Tor or HTTPS connection) and are encrypted here, on arrival, to the
recipients' keys. They are held only in this server's memory while that happens and never written to
its disk unencrypted, but someone in control of this server at that moment could read them. With
JavaScript enabled, the main page encrypts everything on your own device before it leaves.`;

/** The no-JavaScript form: messages and small files, encrypted by the server on arrival. */
export function formRoutes(service: IntakeService, uploadsDir: string): Hono {
  const app = new Hono();
  app.get('/form', async (c) => {
    const channels = (await service.repo.channels()).filter((ch) => ch.recipients.length > 0);
    return c.html(page('Send without JavaScript', formHtml(channels.map((ch) => ({ name: ch.name, title: ch.title })), service.limits.formMaxFileBytes)));
  });
  app.post(
    '/form',
    bodyLimit({ maxSize: service.limits.formMaxFileBytes + 512 * 1024, onError: (c) => c.html(page('Too large', `<p>The file is too large for this form (at most ${mb(service.limits.formMaxFileBytes)}). Use the main page with JavaScript for large files: it has no such limit.</p>`), 413) }),
    async (c) => {
      try {
        const form = await c.req.parseBody();
        const channel = String(form.channel ?? '');
        const message = String(form.message ?? '').trim();
        const file = form.file instanceof File && form.file.size > 0 ? form.file : null;
        if (!message && !file) throw invalid('write a message or choose a file');
        let codename = String(form.codename ?? '').trim();
        const returning = codename.length > 0;
        if (returning) codename = normalizeCodename(codename);
        else codename = generateCodename();
        if (message && containsCodename(message, codename)) throw invalid('your message contains your codename: remove it and send again');
        const keys = await deriveCodenameKeys(codename);
        const { submissionId } = returning
          ? await service.openSession(keys.lookupId, keys.authSecret)
          : await service.createSubmission({ channel, lookupId: keys.lookupId, authSecret: keys.authSecret, sourceRecipient: keys.sourceRecipient }, 'form');
        const recipients = (await service.repo.channel((await service.repo.submission(submissionId)).channelName)).recipients.map((r) => r.recipient);
        if (message) await service.postSourceMessage(submissionId, await seal(message, [...recipients, keys.sourceRecipient]));
        let receipt: string | null = null;
        if (file) {
          const batch = await service.newBatch(submissionId);
          const bytes = new Uint8Array(await file.arrayBuffer());
          const source = await EncryptingSource.open({ size: bytes.length, read: async (o, n) => bytes.subarray(o, o + n) }, await newAgeFile(recipients));
          const uploadId = `up-${randomBytes(12).toString('hex')}`;
          await service.declareUpload(submissionId, batch.id, source.size, uploadId);
          await writeFile(join(uploadsDir, uploadId), await source.slice(0, source.size), { flag: 'wx' });
          await service.repo.completeFile(uploadId);
          const manifest: Manifest = {
            format: MANIFEST_FORMAT,
            batchId: batch.id,
            createdAt: new Date().toISOString(),
            files: [{ uploadId, path: safeName(file.name), size: bytes.length, mtime: file.lastModified ? new Date(file.lastModified).toISOString() : null, sha256: await source.sha256(), paddedSize: source.paddedLength }],
          };
          bytes.fill(0);
          const sealed = await service.sealBatch(submissionId, batch.id, await seal(JSON.stringify(manifest), [...recipients, keys.sourceRecipient]));
          receipt = sealed.receipt;
        }
        return c.html(page('Received', doneHtml(returning ? null : codename, receipt, service.keys.instance.verifierKey)));
      } catch (e) {
        return c.html(page('Not sent', `<p class="error">${esc(publicMessage(e))}</p><p><a href="/form">Back to the form</a></p>`), 400);
      }
    },
  );
  return app;
}

function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() || 'file';
  return base.replace(/[\u0000-\u001f]/g, '_').slice(0, 255) || 'file';
}

const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;
const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${esc(title)}</title><link rel="stylesheet" href="/assets/portal.css"></head><body><main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

function formHtml(channels: { name: string; title: string }[], maxFile: number): string {
  const options = channels.map((ch) => `<option value="${esc(ch.name)}">${esc(ch.title)}</option>`).join('');
  return `<p class="warning">${esc(WEAKER)}</p>
<form method="post" action="/form" enctype="multipart/form-data">
<label>Send to <select name="channel" required>${options}</select></label>
<label>Your codename, if you already have one (leave empty on your first visit)<input name="codename" autocomplete="off" spellcheck="false"></label>
<label>Message<textarea name="message" rows="8"></textarea></label>
<label>One file, at most ${mb(maxFile)}<input type="file" name="file"></label>
<button type="submit">Send</button>
</form>`;
}

function doneHtml(codename: string | null, receipt: string | null, verifierKey: string): string {
  const code = codename
    ? `<p>Your codename (write it down now, it is shown only once; with it you can come back, send more and read replies on the main page):</p><p class="codename">${esc(codename)}</p>`
    : '';
  const rec = receipt ? `<p>Receipt, signed by this intake (key <code>${esc(verifierKey)}</code>):</p><pre>${esc(receipt)}</pre>` : '';
  return `<p>Received and encrypted to the recipients.</p>${code}${rec}<p class="warning">${esc(WEAKER)}</p>`;
}
