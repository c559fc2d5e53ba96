import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Upload } from 'tus-js-client';
import { EncryptingSource, generateCodename, generateProtectedIdentity, IntakeClient, newAgeFile, newPullToken, nodeChunkSeal, nodeUploadBody, openIntake } from '@custodia/intake';
import { deterministicReader, startIntakeProcess, type IntakeProcess } from '@custodia/intake/testing';
import { openVault } from '@custodia/store';
import { createTestDatabase, DB_KINDS, testConfig, type DbKind } from '@custodia/store/testing';
import { cliEnv, runCli } from './testing/run-cli.js';

/**
 * The source's side as a third party would write it: the stock `tus-js-client` (its own Node file
 * source, no custom reader) uploading a multi-GB age file in the portal's format to the intake
 * server running as a separate process, which is killed with SIGKILL twice mid-upload and
 * restarted. Then `custodia intake import` brings it into the vault and the file must hash exactly.
 *
 * Size: CUSTODIA_INTAKE_BIG_BYTES (default 2 GiB of plaintext). Databases: CUSTODIA_INTAKE_BIG_DB
 * (`pglite`, `postgres` or `both`; default `both` alternates: the intake on one kind, the vault on
 * the other, so one upload covers both engines).
 */
const MiB = 2 ** 20;
const SIZE = Number(process.env.CUSTODIA_INTAKE_BIG_BYTES ?? 2048 * MiB);
const DB = process.env.CUSTODIA_INTAKE_BIG_DB ?? 'both';
const PASS = 'a long staff passphrase';
const CHUNK = 16 * MiB;
const SEED = 2026;

const runs: { intake: DbKind; vault: DbKind }[] =
  DB === 'both' ? [{ intake: 'pglite', vault: 'postgres' }] : DB_KINDS.includes(DB as DbKind) ? [{ intake: DB as DbKind, vault: DB as DbKind }] : [];
if (runs.length === 0) throw new Error(`CUSTODIA_INTAKE_BIG_DB must be pglite, postgres or both, not "${DB}"`);

/**
 * The deterministic plaintext as a reader that also hashes it, on its own, in order: every byte
 * handed to the encryption is hashed exactly once (a read that skipped ahead would fail).
 */
function hashingPlaintext() {
  const base = deterministicReader(SEED, SIZE);
  const hash = createHash('sha256');
  let hashed = 0;
  return {
    size: SIZE,
    async read(offset: number, length: number) {
      const bytes = await base.read(offset, length);
      if (offset > hashed) throw new Error(`plaintext read at ${offset} skipped bytes from ${hashed}`);
      if (offset + bytes.length > hashed) {
        hash.update(bytes.subarray(hashed - offset));
        hashed = offset + bytes.length;
      }
      return bytes;
    },
    sha256() {
      assert.equal(hashed, SIZE, 'the whole plaintext was read');
      return hash.digest('hex');
    },
  };
}

async function fileSha256(path: string): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const part of createReadStream(path, { highWaterMark: 4 * MiB }) as AsyncIterable<Buffer>) {
    h.update(part);
    size += part.length;
  }
  return { sha256: h.digest('hex'), size };
}

for (const run of runs) {
  describe(`tus-js-client upload of ${(SIZE / 2 ** 30).toFixed(2)} GiB through an intake killed twice, then imported (intake ${run.intake}, vault ${run.vault})`, () => {
    it('resumes at the offset the server kept, and the imported file hashes exactly as the plaintext', { timeout: 60 * 60_000 }, async (t) => {
      // Phase durations go to the test's diagnostics (information, not assertions).
      let t0 = performance.now();
      const phase = (name: string) => {
        const now = performance.now();
        t.diagnostic(`${name}: ${((now - t0) / 1000).toFixed(1)} s`);
        t0 = now;
      };
      const work = await mkdtemp(join(tmpdir(), 'custodia-tus-big-'));
      const home = join(work, 'intake');
      const intakeDb = run.intake === 'postgres' ? await createTestDatabase() : null;
      const { config, cleanup } = await testConfig(run.vault);
      let server: IntakeProcess | null = null;
      try {
        // The intake: a channel whose recipient is the analyst's key.
        const pullToken = await newPullToken(home);
        const analyst = await generateProtectedIdentity(PASS, 14);
        const setup = await openIntake({ home, databaseUrl: intakeDb?.url });
        await setup.service.repo.createChannel('videos', 'Videos');
        await setup.service.repo.addRecipient('videos', 'analyst', analyst.recipient);
        await setup.close();
        server = await startIntakeProcess(home, 0, intakeDb?.url);
        const { port, url } = server;
        phase('intake set up and started');

        // The source signs up and opens a batch (the portal's API calls).
        const source = new IntakeClient(url, nodeChunkSeal, nodeUploadBody);
        await source.create('videos', generateCodename());
        const batch = await source.newBatch();

        // The file in the portal's format (Padmé padding, age to the channel's recipients), encrypted
        // with Node's native ChaCha20-Poly1305 as the benchmark does, streamed to a temporary file:
        // the plaintext is generated range by range and never written anywhere.
        const plain = hashingPlaintext();
        const secret = await newAgeFile(source.recipients);
        const enc = await EncryptingSource.open(plain, secret, nodeChunkSeal, createHash('sha256'));
        const cipherPath = join(work, 'upload.age');
        const fh = await open(cipherPath, 'w');
        try {
          for (let o = 0; o < enc.size; o += CHUNK) await fh.write(await enc.slice(o, Math.min(enc.size, o + CHUNK)));
        } finally {
          await fh.close();
        }
        const manifestSha = await enc.sha256();
        const expectedSha = plain.sha256();
        assert.equal(manifestSha, expectedSha, 'the portal code hashed the plaintext it encrypted');
        phase(`plaintext generated, hashed and encrypted: ${(enc.size / MiB).toFixed(0)} MiB of ciphertext written`);

        // The upload with tus-js-client as it ships: an fs.ReadStream source (re-opened at the
        // server's offset on each resume), the server killed twice mid-PATCH and restarted.
        let kills = 0;
        let restarting: Promise<void> | null = null;
        const killedAt: number[] = [];
        const resumedFrom: number[] = [];
        const urls = new Set<string>();
        const uploadUrl = await new Promise<string>((resolve, reject) => {
          const upload = new Upload(createReadStream(cipherPath), {
            endpoint: `${url}/files/`,
            chunkSize: CHUNK,
            retryDelays: Array(240).fill(250),
            headers: { Authorization: `Bearer ${source.token}` },
            metadata: { batch },
            storeFingerprintForResuming: false,
            onUploadUrlAvailable: () => urls.add(upload.url!),
            onAfterResponse: (req, res) => {
              if (req.getMethod() === 'HEAD' && res.getStatus() === 200) resumedFrom.push(Number(res.getHeader('Upload-Offset')));
            },
            onProgress: (sent, total) => {
              // Kill at a third and at two thirds of the way, while a PATCH is streaming.
              if (!restarting && kills < 2 && sent > ((kills + 1) * total) / 3) {
                kills += 1;
                killedAt.push(sent);
                const dying = server!;
                server = null;
                restarting = dying
                  .kill()
                  .then(() => startIntakeProcess(home, port, intakeDb?.url))
                  .then((s) => {
                    server = s;
                    restarting = null;
                  });
              }
            },
            onError: reject,
            onSuccess: () => resolve(upload.url!),
          });
          upload.start();
        });
        while (restarting) await restarting;
        phase(`tus-js-client upload with two kills (resumed from ${resumedFrom.join(', ')})`);
        assert.equal(kills, 2, 'the server was killed twice during the upload');
        assert.equal(urls.size, 1, 'one upload from start to end: never restarted from zero');
        assert.ok(resumedFrom.length >= 2, `resumed after each kill (HEAD offsets ${resumedFrom.join(', ')})`);
        for (const [i, at] of resumedFrom.slice(0, 2).entries()) {
          assert.ok(at > 0 && at <= killedAt[i]!, `resume ${i + 1} continued at ${at}, kept from the ${killedAt[i]} bytes sent before the kill`);
          assert.ok(at > killedAt[i]! - 2 * CHUNK, `resume ${i + 1} lost at most the chunk in flight (${at} vs ${killedAt[i]})`);
        }

        // The source seals the batch with its manifest (the portal's format).
        const uploadId = uploadUrl.split('/').pop()!;
        const path = 'DVR-export/cam3/2021-10-05_2200.h264';
        const { receipt } = await source.sealBatch(batch, [
          { uploadId, path, size: SIZE, mtime: '2021-10-05T22:00:00.000Z', sha256: manifestSha, paddedSize: enc.paddedLength },
        ]);
        assert.match(receipt, /custodia-intake receipt v1/);
        await rm(cipherPath);
        phase('batch sealed');

        // The vault imports it with the real command, reading from the restarted intake.
        const env = cliEnv(config, { CUSTODIA_PIPELINE_STEPS: 'proxy', CUSTODIA_IDENTITY_PASSPHRASE: PASS, CUSTODIA_INTAKE_URL: url, CUSTODIA_INTAKE_TOKEN: pullToken });
        assert.equal((await runCli(['init'], env)).code, 0);
        const keyFile = join(config.home, 'analyst.key');
        await writeFile(keyFile, analyst.protectedIdentity, { mode: 0o600 });
        const imp = await runCli(['intake', 'import', '--identity', keyFile, '--case', 'Intake', '--json'], env);
        assert.equal(imp.code, 0, imp.stderr);
        const [res] = JSON.parse(imp.stdout) as [{ problems: unknown[]; markedImported: boolean; files: number; bytes: number }];
        assert.deepEqual(res.problems, []);
        assert.equal(res.markedImported, true);
        assert.equal(res.files, 1);
        assert.equal(res.bytes, SIZE);
        phase('custodia init + intake import');

        const vault = await openVault(config);
        try {
          const items = await vault.db.query<{ sha256: string; size: string; status: string }>('SELECT sha256, size::text, status FROM items WHERE rel_path = $1', [path]);
          assert.equal(items.rows.length, 1);
          assert.equal(items.rows[0]!.status, 'ok');
          assert.equal(items.rows[0]!.sha256, expectedSha);
          assert.equal(Number(items.rows[0]!.size), SIZE);
          // The blob in the vault's store, read back from disk.
          const onDisk = await fileSha256(vault.blobs.pathOf(expectedSha));
          assert.deepEqual(onDisk, { sha256: expectedSha, size: SIZE });
          phase('vault blob re-hashed');
        } finally {
          await vault.close();
        }
      } finally {
        await (server as IntakeProcess | null)?.kill();
        await intakeDb?.drop();
        await cleanup();
        await rm(work, { recursive: true, force: true });
      }
    });
  });
}
