import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { open } from '../crypto/sealed.js';
import { ManifestSchema } from '../crypto/manifest.schema.js';
import { startHarness } from '../testing/intake-harness.js';
import { PullClient } from '../vault/pull.client.js';

describe('the no-JavaScript form', () => {
  it('encrypts a message and a file on arrival, gives a codename and a receipt, and says the guarantee is weaker', { timeout: 5 * 60_000 }, async () => {
    const h = await startHarness('pglite', { formMaxFileBytes: 100_000 });
    try {
      const page = await (await fetch(`${h.url}/form`)).text();
      assert.match(page, /encrypted here, on arrival/);
      assert.doesNotMatch(page, /<script/);

      const body = new FormData();
      body.set('channel', 'videos');
      body.set('message', 'Cell 12 has no window.');
      body.set('file', new Blob([new TextEncoder().encode('scan of the medical record')]), 'record.txt');
      const res = await fetch(`${h.url}/form`, { method: 'POST', body });
      const html = await res.text();
      assert.equal(res.status, 200, html);
      const codename = /<p class="codename">([a-z ]+)<\/p>/.exec(html)?.[1];
      assert.equal(codename?.split(' ').length, 7);
      assert.match(html, /custodia-intake receipt v1/);

      const pull = new PullClient(h.url, h.pullToken);
      const [sub] = await pull.submissions();
      assert.equal(sub!.via, 'form');
      const [msg] = await pull.messages(sub!.id);
      assert.equal(new TextDecoder().decode(await open(msg!.ciphertext, [h.identity])), 'Cell 12 has no window.');
      const manifest = ManifestSchema.parse(JSON.parse(new TextDecoder().decode(await open(await pull.manifest(sub!.batches[0]!.id), [h.identity]))));
      const onDisk = await readFile(join(h.intake.uploadsDir, manifest.files[0]!.uploadId));
      assert.equal(onDisk.indexOf(Buffer.from('medical record')), -1);
      const plain = await open(new Uint8Array(onDisk), [h.identity]);
      assert.equal(new TextDecoder().decode(plain.subarray(0, manifest.files[0]!.size)), 'scan of the medical record');

      // A returning source whose message contains the codename is refused; a file over the limit too.
      const again = new FormData();
      again.set('codename', codename!);
      again.set('message', `this is me: ${codename}`);
      const refused = await fetch(`${h.url}/form`, { method: 'POST', body: again });
      assert.equal(refused.status, 400);
      assert.match(await refused.text(), /contains your codename/);
      const big = new FormData();
      big.set('channel', 'videos');
      big.set('file', new Blob([new Uint8Array(700_000)]), 'big.bin');
      assert.equal((await fetch(`${h.url}/form`, { method: 'POST', body: big })).status, 413);
      assert.equal((await pull.submissions()).length, 1, 'nothing half-created');
    } finally {
      await h.close();
    }
  });
});
