// A throw-away RFC 3161 Time-Stamping Authority for tests, built with the openssl CLI:
// a self-signed root CA, a TSA certificate (extendedKeyUsage=critical,timeStamping) signed by
// it, and a tiny HTTP server on 127.0.0.1 that answers timestamp queries with
// `openssl ts -reply`. FOR TESTS ONLY — the keys sit unencrypted in a temporary directory.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How the test server answers: normally, with HTTP 503, never (hang), or with non-DER bytes. */
export type LocalTsaBehaviour = 'ok' | 'http-error' | 'hang' | 'garbage';

/** A running local TSA. Call `close()` when done; it stops the server and deletes the files. */
export interface LocalTsa {
  /** URL to POST `application/timestamp-query` requests to. */
  url: string;
  /** Directory holding keys, certificates, config and serial file. */
  dir: string;
  /** PEM of the self-signed root CA: pass as `caFile` to verifyTimestampWithOpenssl. */
  caFile: string;
  /** PEM of the TSA certificate: pass as `untrustedFile` when tokens were requested with certReq=false. */
  tsaCertFile: string;
  /** The openssl.cnf with the `[tsa]` section. */
  configFile: string;
  /** TSA policy OID put in tokens. */
  policy: string;
  /** Change how the server answers subsequent requests. */
  behaviour: LocalTsaBehaviour;
  /** Number of requests received so far. */
  readonly requests: number;
  /** Produces a DER TimeStampResp for a DER query directly, without HTTP. */
  reply(query: Uint8Array): Promise<Buffer>;
  /** Stops the server and deletes the directory. */
  close(): Promise<void>;
}

function run(openssl: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(openssl, args, { cwd, env, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${openssl} ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

function opensslConfig(dir: string, policy: string): string {
  return `# Local test TSA for Custodia — NOT FOR PRODUCTION
[ req ]
distinguished_name = req_dn
prompt = no

[ req_dn ]
CN = unused

[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ tsa_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ tsa ]
default_tsa = tsa_config1

[ tsa_config1 ]
dir = ${dir}
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.crt
certs = $dir/ca.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = ${policy}
other_policies = 1.2.3.4.5.6
digests = sha256, sha384, sha512
accuracy = secs:1, millisecs:0, microsecs:0
clock_precision_digits = 3
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;
}

/**
 * Creates a local TSA (CA, TSA certificate, openssl config) in a fresh temporary directory
 * and starts an HTTP server for it on 127.0.0.1 (random port).
 *
 * @example
 * const tsa = await startLocalTsa();
 * try {
 *   const response = await requestTimestamp(tsa.url, data);
 *   const { ok } = await verifyTimestampWithOpenssl({ data, response, caFile: tsa.caFile });
 * } finally {
 *   await tsa.close();
 * }
 */
export async function startLocalTsa(options: { opensslPath?: string; policy?: string } = {}): Promise<LocalTsa> {
  const openssl = options.opensslPath ?? 'openssl';
  const policy = options.policy ?? '1.2.3.4.1';
  const dir = await mkdtemp(join(tmpdir(), 'custodia-local-tsa-'));
  const configFile = join(dir, 'openssl.cnf');
  const env = { ...process.env, OPENSSL_CONF: configFile };
  const ec = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  try {
    await writeFile(configFile, opensslConfig(dir, policy));
    await writeFile(join(dir, 'tsaserial'), '01\n');
    await run(openssl, ['genpkey', ...ec, '-out', 'ca.key'], dir, env);
    await run(openssl, ['req', '-config', configFile, '-new', '-x509', '-key', 'ca.key', '-sha256', '-days', '3650',
      '-subj', '/O=Custodia tests/CN=Custodia Test Root CA', '-extensions', 'ca_ext', '-out', 'ca.crt'], dir, env);
    await run(openssl, ['genpkey', ...ec, '-out', 'tsa.key'], dir, env);
    await run(openssl, ['req', '-config', configFile, '-new', '-key', 'tsa.key',
      '-subj', '/O=Custodia tests/CN=Custodia Test TSA', '-out', 'tsa.csr'], dir, env);
    await run(openssl, ['x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', '2', '-days', '3650',
      '-sha256', '-extfile', configFile, '-extensions', 'tsa_ext', '-out', 'tsa.crt'], dir, env);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  // openssl updates the serial file on each reply, so replies are made one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  let counter = 0;
  const reply = (query: Uint8Array): Promise<Buffer> => {
    const n = ++counter;
    const job = queue.then(async () => {
      const queryFile = join(dir, `query-${n}.tsq`);
      const replyFile = join(dir, `reply-${n}.tsr`);
      await writeFile(queryFile, query);
      try {
        await run(openssl, ['ts', '-reply', '-config', configFile, '-section', 'tsa_config1', '-queryfile', queryFile, '-out', replyFile], dir, env);
        return await readFile(replyFile);
      } finally {
        await rm(queryFile, { force: true });
        await rm(replyFile, { force: true });
      }
    });
    queue = job.catch(() => undefined);
    return job;
  };

  let requests = 0;
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    requests++;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 64 * 1024) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (req.method !== 'POST') {
        res.writeHead(405).end('POST only');
        return;
      }
      switch (tsa.behaviour) {
        case 'http-error':
          res.writeHead(503, { 'Content-Type': 'text/plain' }).end('TSA temporarily unavailable');
          return;
        case 'hang':
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return;
        case 'garbage':
          res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(Buffer.from('this is not DER'));
          return;
        default:
          reply(Buffer.concat(chunks)).then(
            (der) => res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(der),
            (err: Error) => res.writeHead(400, { 'Content-Type': 'text/plain' }).end(err.message),
          );
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('local TSA: unexpected server address');

  const tsa: LocalTsa = {
    url: `http://127.0.0.1:${address.port}/tsa`,
    dir,
    caFile: join(dir, 'ca.crt'),
    tsaCertFile: join(dir, 'tsa.crt'),
    configFile,
    policy,
    behaviour: 'ok',
    get requests() {
      return requests;
    },
    reply,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue;
      await rm(dir, { recursive: true, force: true });
    },
  };
  return tsa;
}
