import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatCheckpoint } from './checkpoint.js';
import { DerError, Tag, children, decodeDer, readBoolean, readInteger, readOctetString, readOid } from './der.js';
import { MerkleTree, leafHash } from './merkle.js';
import {
  OID_SHA256, TimestampError, buildTimestampRequest, checkTimestampImprint, parseTimestampResponse, parseTimestampToken,
  requestTimestamp, verifyTimestampWithOpenssl,
} from './rfc3161.js';
import { startLocalTsa, type LocalTsa } from './testing/local-tsa.js';

const sha256 = (data: string | Uint8Array): Buffer => createHash('sha256').update(data).digest();
const tree = new MerkleTree(['a', 'b', 'c'].map((s) => leafHash(s)));
const CHECKPOINT = formatCheckpoint({ origin: 'custodia.example/ledger', size: 3, rootHash: tree.root() });

describe('buildTimestampRequest', () => {
  it('builds a version 1, SHA-256 TimeStampReq with nonce and certReq', () => {
    const req = buildTimestampRequest(CHECKPOINT, { nonce: 0xdeadbeefn });
    const [version, imprint, nonce, certReq, ...rest] = children(decodeDer(req));
    assert.equal(readInteger(version!), 1n);
    const [alg, digest] = children(imprint!);
    const [oid, params] = children(alg!);
    assert.equal(readOid(oid!), OID_SHA256);
    assert.equal(params!.tag, Tag.NULL);
    assert.deepEqual(readOctetString(digest!), sha256(CHECKPOINT));
    assert.equal(readInteger(nonce!), 0xdeadbeefn);
    assert.equal(readBoolean(certReq!), true);
    assert.equal(rest.length, 0);
  });

  it('omits certReq when false (DER DEFAULT) and the nonce when null; accepts a digest', () => {
    const digest = sha256('x');
    const req = buildTimestampRequest({ digest }, { nonce: null, certReq: false });
    const fields = children(decodeDer(req));
    assert.equal(fields.length, 2);
    assert.deepEqual(req, buildTimestampRequest('x', { nonce: null, certReq: false }));
    const random1 = children(decodeDer(buildTimestampRequest('x')))[2]!;
    const random2 = children(decodeDer(buildTimestampRequest('x')))[2]!;
    assert.notEqual(readInteger(random1), readInteger(random2), 'default nonces are random');
    assert.throws(() => buildTimestampRequest({ digest: Buffer.alloc(20) }), /32-byte/);
  });

  it('is understood by openssl ts -query', () => {
    const dir = mkdtempSync(join(tmpdir(), 'custodia-tsq-'));
    try {
      writeFileSync(join(dir, 'req.tsq'), buildTimestampRequest(CHECKPOINT, { nonce: 0xdeadbeefn, policy: '1.3.6.1.4.1.99999.7' }));
      const text = execFileSync('openssl', ['ts', '-query', '-in', join(dir, 'req.tsq'), '-text'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      assert.match(text, /Version: 1/);
      assert.match(text, /Hash Algorithm: sha256/);
      assert.match(text, /Nonce: 0xDEADBEEF/);
      assert.match(text, /Certificate required: yes/);
      assert.match(text, /Policy OID: 1\.3\.6\.1\.4\.1\.99999\.7/);
      const digestHex = [...text.matchAll(/^\s+[0-9a-f]{4} - ((?:[0-9a-f]{2}[ -]){15}[0-9a-f]{2})/gm)].map((m) => m[1]!.replace(/[ -]/g, '')).join('');
      assert.equal(digestHex, sha256(CHECKPOINT).toString('hex'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('timestamps from a local OpenSSL TSA', () => {
  let tsa: LocalTsa;
  let otherTsa: LocalTsa;
  let response: Buffer;
  let token: Buffer;
  const nonce = 0x0123456789abcdefn;

  before(async () => {
    [tsa, otherTsa] = await Promise.all([startLocalTsa(), startLocalTsa()]);
    const startedAt = Date.now();
    response = await requestTimestamp(tsa.url, CHECKPOINT, { nonce, timeoutMs: 20_000 });
    token = parseTimestampResponse(response).token!;
    assert.ok(Date.now() - startedAt < 20_000);
  });
  after(async () => {
    await Promise.all([tsa?.close(), otherTsa?.close()]);
  });

  it('returns a granted response whose token carries our imprint, nonce and a current time', () => {
    const parsed = parseTimestampResponse(response);
    assert.equal(parsed.status, 0);
    assert.equal(parsed.statusName, 'granted');
    assert.ok(Buffer.isBuffer(parsed.token));
    const info = parseTimestampToken(token);
    assert.equal(info.messageImprint.algorithm, OID_SHA256);
    assert.deepEqual(info.messageImprint.digest, sha256(CHECKPOINT));
    assert.equal(info.nonce, nonce);
    assert.ok(Math.abs(info.genTime.getTime() - Date.now()) < 5 * 60_000, `genTime ${info.genTime.toISOString()} is not near now`);
    assert.equal(info.policy, tsa.policy);
    assert.match(info.serialNumber, /^[1-9][0-9]*$/);
    assert.equal(info.tsa, 'O=Custodia tests, CN=Custodia Test TSA');
    assert.deepEqual(info.accuracy, { seconds: 1, millis: 0, micros: 0 });
    assert.equal(info.ordering, true);
  });

  it('checks the imprint against the data', () => {
    assert.equal(checkTimestampImprint(token, CHECKPOINT), true);
    assert.equal(checkTimestampImprint(token, Buffer.from(CHECKPOINT)), true);
    assert.equal(checkTimestampImprint(token, `${CHECKPOINT} `), false);
  });

  it('is verified by openssl ts -verify, for the token and for the whole response', async () => {
    const viaToken = await verifyTimestampWithOpenssl({ data: CHECKPOINT, token, caFile: tsa.caFile });
    assert.ok(viaToken.ok, viaToken.output);
    assert.match(viaToken.output, /Verification: OK/);
    const viaResponse = await verifyTimestampWithOpenssl({ data: Buffer.from(CHECKPOINT), response, caFile: tsa.caFile });
    assert.ok(viaResponse.ok, viaResponse.output);
  });

  it('fails openssl verification for different data or an untrusted CA', async () => {
    const otherData = await verifyTimestampWithOpenssl({ data: CHECKPOINT.replace('\n3\n', '\n4\n'), token, caFile: tsa.caFile });
    assert.equal(otherData.ok, false);
    assert.match(otherData.output, /imprint mismatch/);
    const otherCa = await verifyTimestampWithOpenssl({ data: CHECKPOINT, token, caFile: otherTsa.caFile });
    assert.equal(otherCa.ok, false, otherCa.output);
    await assert.rejects(verifyTimestampWithOpenssl({ data: 'x', caFile: tsa.caFile }), /exactly one of token or response/);
    await assert.rejects(verifyTimestampWithOpenssl({ data: 'x', token, caFile: tsa.caFile, opensslPath: '/nonexistent/openssl' }), /not found/);
  });

  it('works without the certificate in the token when the TSA certificate is supplied', async () => {
    const bare = parseTimestampResponse(await requestTimestamp(tsa.url, CHECKPOINT, { certReq: false })).token!;
    assert.ok(bare.length < token.length, 'token without certificate should be smaller');
    const without = await verifyTimestampWithOpenssl({ data: CHECKPOINT, token: bare, caFile: tsa.caFile });
    assert.equal(without.ok, false);
    const withCert = await verifyTimestampWithOpenssl({ data: CHECKPOINT, token: bare, caFile: tsa.caFile, untrustedFile: tsa.tsaCertFile });
    assert.ok(withCert.ok, withCert.output);
  });

  it('reports a TSA refusal with its reason', async () => {
    const refused = parseTimestampResponse(await tsa.reply(buildTimestampRequest(CHECKPOINT, { policy: '1.9.9.9' })));
    assert.equal(refused.status, 2);
    assert.equal(refused.statusName, 'rejection');
    assert.deepEqual(refused.failInfo, ['unacceptedPolicy']);
    assert.match(refused.statusText ?? '', /policy/i);
    assert.equal(refused.token, undefined);
    await assert.rejects(requestTimestamp(tsa.url, CHECKPOINT, { policy: '1.9.9.9' }), /refused the request: rejection .*unacceptedPolicy/);
  });

  it('gives clear errors for HTTP failures, timeouts, garbage and unreachable servers', async () => {
    try {
      tsa.behaviour = 'http-error';
      await assert.rejects(requestTimestamp(tsa.url, CHECKPOINT), (err: unknown) => err instanceof TimestampError && /answered HTTP 503: TSA temporarily unavailable/.test(err.message));
      tsa.behaviour = 'hang';
      const t0 = Date.now();
      await assert.rejects(requestTimestamp(tsa.url, CHECKPOINT, { timeoutMs: 300 }), /timed out after 300 ms/);
      assert.ok(Date.now() - t0 < 5000);
      tsa.behaviour = 'garbage';
      await assert.rejects(requestTimestamp(tsa.url, CHECKPOINT), /sent a malformed response: DER/);
    } finally {
      tsa.behaviour = 'ok';
    }
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(requestTimestamp(`http://127.0.0.1:${port}/`, CHECKPOINT, { timeoutMs: 5000 }), /failed: .*ECONNREFUSED/);
    await assert.rejects(requestTimestamp('ftp://127.0.0.1/', CHECKPOINT), /unsupported TSA URL scheme/);
  });

  it('refuses a response that does not answer our request (replayed token)', async () => {
    const replay = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(response));
    });
    await new Promise<void>((resolve) => replay.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(replay.address() as { port: number }).port}/`;
    try {
      await assert.rejects(requestTimestamp(url, 'other data', { nonce }), /timestamped a different hash/);
      await assert.rejects(requestTimestamp(url, CHECKPOINT, { nonce: nonce + 1n }), /did not echo the request nonce/);
      assert.deepEqual(await requestTimestamp(url, CHECKPOINT, { nonce }), response);
    } finally {
      replay.closeAllConnections();
      await new Promise<void>((resolve) => replay.close(() => resolve()));
    }
  });

  it('never crashes on corrupted responses: every failure is a DerError', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let parsedOk = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = Buffer.from(response);
      const kind = i % 3;
      let mutated: Buffer;
      if (kind === 0) {
        for (let k = 0; k <= rand(3); k++) bytes[rand(bytes.length)] = rand(256);
        mutated = bytes;
      } else if (kind === 1) {
        mutated = bytes.subarray(0, rand(bytes.length));
      } else {
        const at = rand(bytes.length);
        mutated = Buffer.concat([bytes.subarray(0, at), Buffer.from([rand(256)]), bytes.subarray(at)]);
      }
      try {
        const parsed = parseTimestampResponse(mutated);
        if (parsed.token) parseTimestampToken(parsed.token);
        parsedOk++;
      } catch (err) {
        assert.ok(err instanceof DerError, `mutation ${i} threw ${(err as Error).name}: ${(err as Error).message}`);
      }
    }
    assert.ok(parsedOk > 0 && parsedOk < 3000);
    assert.throws(() => parseTimestampToken(buildTimestampRequest('x')), DerError);
  });
});
