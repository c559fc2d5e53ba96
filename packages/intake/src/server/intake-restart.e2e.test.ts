import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { IntakeClient } from '../client/intake-client.js';
import { generateCodename } from '../crypto/codename.js';
import { ManifestSchema } from '../crypto/manifest.schema.js';
import { open } from '../crypto/sealed.js';
import { decryptAge, nodeChunkSeal, nodeUploadBody } from '../node/node-age.js';
import { deterministicReader } from '../testing/deterministic-bytes.js';
import { newPullToken } from './intake-keys.js';
import { openIntake } from './intake-runtime.js';

/** 512 MiB by default (the suite stays within minutes on a loaded machine); the benchmark goes to 2 GB. */
const SIZE = Number(process.env.CUSTODIA_INTAKE_TEST_BYTES ?? 512 * 2 ** 20);
const SERVER = fileURLToPath(new URL('../testing/serve-intake.process.js', import.meta.url));

function start(home: string, port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [SERVER, home, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`intake server exited (${code}) before listening`)));
  });
}

describe('tus upload through a server killed with SIGKILL and restarted', () => {
  it(`resumes a ${Math.round(SIZE / 2 ** 20)} MiB upload where it stopped and the decrypted file hashes exactly`, { timeout: 30 * 60_000 }, async () => {
    const home = await mkdtemp(join(tmpdir(), 'custodia-intake-kill-'));
    let server: { child: ChildProcess; port: number } | null = null;
    try {
      const pullToken = await newPullToken(home);
      const identity = await generateX25519Identity();
      const setup = await openIntake({ home });
      await setup.service.repo.createChannel('videos', 'Videos');
      await setup.service.repo.addRecipient('videos', 'staff', await identityToRecipient(identity));
      await setup.close();

      server = await start(home, 0);
      const port = server.port;
      const url = `http://127.0.0.1:${port}`;
      const client = new IntakeClient(url, nodeChunkSeal, nodeUploadBody);
      const codename = generateCodename();
      await client.create('videos', codename);
      const batch = await client.newBatch();
      const plain = deterministicReader(42, SIZE);

      let kills = 0;
      let restarting: Promise<void> | null = null;
      const offsetsAtKill: number[] = [];
      const file = await client.uploadFile(batch, plain, {
        path: 'DVR/ch01/2021-10-05.h264',
        mtime: '2021-10-05T22:00:00.000Z',
        chunkSize: 16 * 2 ** 20,
        retryDelays: Array(200).fill(250),
        onProgress: ({ sent, total }) => {
          // Kill twice: at a third and at two thirds of the way.
          if (!restarting && kills < 2 && sent > ((kills + 1) * total) / 3) {
            kills += 1;
            offsetsAtKill.push(sent);
            const dying = server!;
            dying.child.kill('SIGKILL');
            restarting = new Promise<void>((r) => dying.child.once('exit', () => r()))
              .then(() => start(home, port))
              .then((s) => {
                server = s;
                restarting = null;
              });
          }
        },
      });
      assert.equal(kills, 2, 'the server was killed twice during the upload');
      while (restarting) await restarting;
      const { receipt } = await client.sealBatch(batch, [file]);
      assert.match(receipt, /custodia-intake receipt v1/);

      // The recipient pulls it back and checks it against the manifest.
      const auth = { authorization: `Bearer ${pullToken}` };
      const manifestBytes = new Uint8Array(await (await fetch(`${url}/pull/batches/${batch}/manifest`, { headers: auth })).arrayBuffer());
      const manifest = ManifestSchema.parse(JSON.parse(new TextDecoder().decode(await open(manifestBytes, [identity]))));
      const entry = manifest.files[0]!;
      const res = await fetch(`${url}/pull/files/${entry.uploadId}`, { headers: auth });
      assert.equal(res.status, 200);
      const hash = createHash('sha256');
      const expected = createHash('sha256');
      let n = 0;
      for await (const part of decryptAge(Readable.fromWeb(res.body as never) as AsyncIterable<Uint8Array>, [identity])) {
        const keep = part.subarray(0, Math.max(0, Math.min(part.length, entry.size - n)));
        hash.update(keep);
        if (keep.length > 0) expected.update(await plain.read(n, keep.length));
        n += part.length;
      }
      assert.equal(n, entry.paddedSize);
      const digest = hash.digest('hex');
      assert.equal(digest, expected.digest('hex'));
      assert.equal(digest, entry.sha256);
      assert.equal(entry.size, SIZE);
    } finally {
      server?.child.kill('SIGKILL');
      await rm(home, { recursive: true, force: true });
    }
  });
});
