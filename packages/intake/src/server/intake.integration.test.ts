import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Decrypter } from 'age-encryption';
import { DB_KINDS } from '@custodia/store/testing';
import { IntakeClient, IntakeError } from '../client/intake-client.js';
import { generateCodename } from '../crypto/codename.js';
import { ManifestSchema } from '../crypto/manifest.schema.js';
import { deterministicReader, sha256Of } from '../testing/deterministic-bytes.js';
import { startHarness } from '../testing/intake-harness.js';
import { verifyReceipt } from './receipt.js';

const textReader = (s: string) => {
  const b = new TextEncoder().encode(s);
  return { size: b.length, read: async (o: number, n: number) => b.subarray(o, o + n) };
};

async function pull(url: string, token: string, path: string, init: RequestInit = {}) {
  const res = await fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

for (const kind of DB_KINDS) {
  describe(`intake server (${kind})`, () => {
    it('takes files, a manifest and messages as ciphertext only, signs a receipt, and refuses what it must', async () => {
      const h = await startHarness(kind, { maxManifestBytes: 64 * 1024 });
      try {
        const codename = generateCodename();
        const src = new IntakeClient(h.url);
        await src.create('videos', codename);
        const batch = await src.newBatch();
        const secretText = 'The guard hit prisoner 4411 in corridor B at 02:14. '.repeat(300);
        const video = deterministicReader(11, 700_000);
        const files = [
          await src.uploadFile(batch, textReader(secretText), { path: 'notes/statement.txt', mtime: '2024-01-02T03:04:05.000Z', chunkSize: 100_000 }),
          await src.uploadFile(batch, video, { path: 'dvr/cam1.h264', mtime: null, chunkSize: 256 * 1024 }),
        ];
        assert.equal(files[0]!.sha256, sha256Of(new TextEncoder().encode(secretText)));

        // An oversize manifest is refused with a clear reason; the batch stays open and nothing is lost.
        const huge = new Uint8Array(70 * 1024);
        huge.set(new TextEncoder().encode('age-encryption.org/v1\n'));
        await assert.rejects(() => src.call('PUT', `/api/batches/${batch}/manifest`, huge), (e: IntakeError) => e.status === 413 && /manifest|exceeds/.test(e.message));
        const { receipt, manifestSha256, verifierKey } = await src.sealBatch(batch, files);
        const facts = verifyReceipt(receipt, verifierKey);
        assert.equal(facts.manifestSha256, manifestSha256);
        await assert.rejects(() => src.sealBatch(batch, files), (e: IntakeError) => e.status === 409);

        // Replayed chunk: a PATCH at an offset the server has already passed is refused (409) and changes nothing.
        const up = files[1]!.uploadId;
        const before = await stat(join(h.intake.uploadsDir, up));
        const replay = await fetch(`${h.url}/files/${up}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${src.token}`, 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
          body: new Uint8Array(1000),
        });
        assert.equal(replay.status, 409);
        assert.equal((await stat(join(h.intake.uploadsDir, up))).size, before.size);
        const del = await fetch(`${h.url}/files/${up}`, { method: 'DELETE', headers: { authorization: `Bearer ${src.token}`, 'tus-resumable': '1.0.0' } });
        assert.equal(del.status, 405);
        assert.equal((await stat(join(h.intake.uploadsDir, up))).size, before.size);

        // Wrong codename: refused, one message whatever was wrong.
        const stranger = new IntakeClient(h.url);
        await assert.rejects(() => stranger.signIn(generateCodename()), (e: IntakeError) => e.status === 403 && /not recognised/.test(e.message));
        await assert.rejects(() => stranger.call('POST', '/api/batches'), (e: IntakeError) => e.status === 403);

        // Messages both ways; a message carrying the codename never leaves the device.
        await src.sendMessage('There is more footage from 2021, can I send it later?', codename);
        await assert.rejects(() => src.sendMessage(`my codename is ${codename}`, codename), /contains your codename/);
        const subs = (await (await pull(h.url, h.pullToken, '/pull/submissions')).json()) as { id: string; sourceRecipient: string; batches: { id: string; receipt: string }[] }[];
        assert.equal(subs.length, 1);
        const sub = subs[0]!;
        assert.equal(sub.batches[0]!.receipt, receipt);
        const { Encrypter } = await import('age-encryption');
        const e = new Encrypter();
        e.addRecipient(sub.sourceRecipient);
        e.addRecipient(h.recipient);
        await pull(h.url, h.pullToken, `/pull/submissions/${sub.id}/messages`, { method: 'POST', body: await e.encrypt('Yes, please: use the same codename.') });

        const back = new IntakeClient(h.url);
        await back.signIn(codename.toUpperCase());
        assert.equal(back.submissionId, src.submissionId);
        const msgs = await back.readMessages();
        assert.deepEqual(msgs.map((m) => [m.author, m.text]), [
          ['source', 'There is more footage from 2021, can I send it later?'],
          ['staff', 'Yes, please: use the same codename.'],
        ]);

        // The recipient decrypts the manifest and every file, which match the manifest.
        const d = new Decrypter();
        d.addIdentity(h.identity);
        const manifest = ManifestSchema.parse(JSON.parse(await d.decrypt(new Uint8Array(await (await pull(h.url, h.pullToken, `/pull/batches/${batch}/manifest`)).arrayBuffer()), 'text')));
        assert.deepEqual(manifest.files.map((f) => f.path), ['notes/statement.txt', 'dvr/cam1.h264']);
        for (const f of manifest.files) {
          const ct = new Uint8Array(await (await pull(h.url, h.pullToken, `/pull/files/${f.uploadId}`)).arrayBuffer());
          const pt = await d.decrypt(ct);
          assert.equal(pt.length, f.paddedSize);
          assert.equal(sha256Of(pt.subarray(0, f.size)), f.sha256);
        }
        assert.equal(manifest.files[1]!.sha256, sha256Of(await video.read(0, video.size)));

        // The pull API wants its token.
        const anon = await fetch(`${h.url}/pull/submissions`);
        assert.equal(anon.status, 403);

        // No plaintext anywhere in the intake's data folder (database files included).
        const windows = [secretText.slice(0, 40), secretText.slice(5000, 5040)].map((s) => Buffer.from(s));
        const videoBytes = Buffer.from(await video.read(0, video.size));
        for (const off of [0, 65536, 300_000, 699_000]) windows.push(videoBytes.subarray(off, off + 32));
        let scanned = 0;
        for await (const p of walk(h.home)) {
          const content = await readFile(p);
          scanned += content.length;
          for (const w of windows) assert.equal(content.indexOf(w), -1, `plaintext found in ${p}`);
        }
        assert.ok(scanned > 700_000);

        // Security headers on every response.
        const res = await fetch(`${h.url}/api/channels/videos`);
        assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
        assert.equal(res.headers.get('set-cookie'), null);
        assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      } finally {
        await h.close();
      }
    });
  });
}
