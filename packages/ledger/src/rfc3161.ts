// RFC 3161 trusted timestamps: ask an independent Time-Stamping Authority (TSA) to sign
// "these bytes existed at this time", read its answer, and check it with OpenSSL.
//
// We build requests and read responses ourselves (small DER code in der.ts) but leave the
// CMS signature and certificate-chain verification to `openssl ts -verify`, the standard
// tool an outside expert would use anyway.

import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DerError, Tag, children, contextTag, decodeDer, encodeBoolean, encodeElement, encodeInteger, encodeNull, encodeOctetString,
  encodeOid, encodeSequence, expectTag, readBitString, readBoolean, readGeneralizedTime, readInteger, readOctetString, readOid,
  readString, type DerElement,
} from './der.js';

/** OID of SHA-256 (2.16.840.1.101.3.4.2.1). */
export const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
const HASH_BY_OID: Record<string, string> = {
  [OID_SHA256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_TST_INFO = '1.2.840.113549.1.9.16.1.4';

/** Thrown for timestamp protocol problems (HTTP failures, timeouts, rejected or mismatching responses). */
export class TimestampError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimestampError';
  }
}

/** What to timestamp: the data itself (hashed with SHA-256 here), or its SHA-256 digest. */
export type TimestampInput = Uint8Array | string | { digest: Uint8Array };

function sha256Of(input: TimestampInput): Buffer {
  if (typeof input === 'object' && !(input instanceof Uint8Array)) {
    if (!(input.digest instanceof Uint8Array) || input.digest.length !== 32) throw new TypeError('digest must be a 32-byte SHA-256 digest');
    return Buffer.from(input.digest);
  }
  return createHash('sha256').update(input).digest();
}

/** Options for {@link buildTimestampRequest}. */
export interface TimestampRequestOptions {
  /** Nonce the TSA must echo. Default: a random 64-bit value; `null` omits it. */
  nonce?: bigint | null;
  /** Ask the TSA to include its certificate in the token (default true). */
  certReq?: boolean;
  /** Optional TSA policy OID to request. */
  policy?: string;
}

/**
 * Builds a DER TimeStampReq (RFC 3161 §2.4.1): version 1, SHA-256 message imprint, nonce, certReq.
 *
 * @example
 * const der = buildTimestampRequest(Buffer.from(checkpointText), { nonce: 42n });
 * // POST it as application/timestamp-query, or use requestTimestamp()
 */
export function buildTimestampRequest(input: TimestampInput, options: TimestampRequestOptions = {}): Buffer {
  const digest = sha256Of(input);
  const nonce = options.nonce === undefined ? BigInt(`0x${randomBytes(8).toString('hex')}`) : options.nonce;
  const parts = [
    encodeInteger(1),
    encodeSequence(encodeSequence(encodeOid(OID_SHA256), encodeNull()), encodeOctetString(digest)),
  ];
  if (options.policy !== undefined) parts.push(encodeOid(options.policy));
  if (nonce !== null) parts.push(encodeInteger(nonce));
  if (options.certReq ?? true) parts.push(encodeBoolean(true)); // DEFAULT FALSE: omitted when false
  return encodeSequence(...parts);
}

/** PKIStatus names (RFC 3161 §2.4.2), indexed by status number. */
export const PKI_STATUS_NAMES = ['granted', 'grantedWithMods', 'rejection', 'waiting', 'revocationWarning', 'revocationNotification'] as const;
const FAILURE_NAMES: Record<number, string> = {
  0: 'badAlg', 2: 'badRequest', 5: 'badDataFormat', 14: 'timeNotAvailable', 15: 'unacceptedPolicy',
  16: 'unacceptedExtension', 17: 'addInfoNotAvailable', 25: 'systemFailure',
};

/** A parsed TimeStampResp. */
export interface TimestampResponse {
  /** PKIStatus: 0 granted, 1 grantedWithMods, 2 rejection, 3 waiting, 4/5 revocation. */
  status: number;
  /** Name of the status, e.g. `granted`. */
  statusName: string;
  /** The TSA's free-text explanation, if any. */
  statusText?: string;
  /** Failure reasons, e.g. `['badAlg']`. */
  failInfo?: string[];
  /** The TimeStampToken (a CMS ContentInfo, DER) if granted. */
  token?: Buffer;
}

/**
 * Parses a DER TimeStampResp (RFC 3161 §2.4.2). Does not verify anything.
 *
 * @example
 * const { status, token } = parseTimestampResponse(responseBytes);
 * if (status > 1) throw new Error('rejected');
 */
export function parseTimestampResponse(der: Uint8Array): TimestampResponse {
  const [statusInfo, tokenEl, ...extra] = children(expectTag(decodeDer(der), Tag.SEQUENCE, 'TimeStampResp'));
  if (extra.length > 0) throw new DerError('TimeStampResp has unexpected trailing fields');
  const [statusEl, ...rest] = children(expectTag(statusInfo, Tag.SEQUENCE, 'PKIStatusInfo'));
  const statusValue = readInteger(expectTag(statusEl, Tag.INTEGER, 'PKIStatus'));
  if (statusValue < 0n || statusValue > 5n) throw new DerError(`unknown PKIStatus ${statusValue}`);
  const status = Number(statusValue);
  const response: TimestampResponse = { status, statusName: PKI_STATUS_NAMES[status]! };
  for (const el of rest) {
    if (el.tag === Tag.SEQUENCE && response.statusText === undefined && response.failInfo === undefined) {
      response.statusText = children(el).map(readString).join('\n');
    } else if (el.tag === Tag.BIT_STRING && response.failInfo === undefined) {
      const { bytes } = readBitString(el);
      const names: string[] = [];
      for (let bit = 0; bit < bytes.length * 8; bit++) {
        if (bytes[bit >> 3]! & (0x80 >> (bit & 7))) names.push(FAILURE_NAMES[bit] ?? `bit${bit}`);
      }
      response.failInfo = names;
    } else {
      throw new DerError(`unexpected field in PKIStatusInfo at offset ${el.offset}`);
    }
  }
  if (tokenEl !== undefined) response.token = Buffer.from(expectTag(tokenEl, Tag.SEQUENCE, 'TimeStampToken').bytes);
  return response;
}

/** The signed content of a timestamp token (TSTInfo, RFC 3161 §2.4.2). */
export interface TimestampInfo {
  /** TSA policy under which the token was issued (dotted OID). */
  policy: string;
  /** The hash that was timestamped. `algorithm` is a dotted OID, e.g. {@link OID_SHA256}. */
  messageImprint: { algorithm: string; digest: Buffer };
  /** Serial number of the token, in decimal. */
  serialNumber: string;
  /** The time the TSA asserts (millisecond precision). */
  genTime: Date;
  /** Accuracy of genTime, if stated. */
  accuracy?: { seconds: number; millis: number; micros: number };
  ordering: boolean;
  /** The nonce from the request, if there was one. */
  nonce?: bigint;
  /** The TSA's name, best-effort rendered for display (e.g. `CN=Example TSA, O=Example`). */
  tsa?: string;
}

const NAME_ATTRIBUTES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.5': 'serialNumber', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O',
  '2.5.4.11': 'OU', '1.2.840.113549.1.9.1': 'emailAddress',
};

function renderGeneralName(el: DerElement): string {
  const n = el.tag & 0x1f;
  if (el.tag === contextTag(4)) {
    // directoryName: [4] EXPLICIT Name; Name = SEQUENCE OF SET OF { type OID, value ANY }
    const [name] = children(el);
    const parts: string[] = [];
    for (const rdn of children(expectTag(name, Tag.SEQUENCE, 'Name'))) {
      for (const atv of children(expectTag(rdn, Tag.SET, 'RelativeDistinguishedName'))) {
        const [type, value] = children(expectTag(atv, Tag.SEQUENCE, 'AttributeTypeAndValue'));
        const oid = readOid(expectTag(type, Tag.OID, 'attribute type'));
        if (value === undefined) throw new DerError('attribute without a value');
        let text: string;
        try {
          text = readString(value);
        } catch {
          text = `#${value.bytes.toString('hex')}`; // not a string type: shown as hex, like RFC 4514
        }
        parts.push(`${NAME_ATTRIBUTES[oid] ?? oid}=${text}`);
      }
    }
    return parts.join(', ');
  }
  if (el.tag === contextTag(1, false) || el.tag === contextTag(2, false) || el.tag === contextTag(6, false)) {
    return el.content.toString('latin1'); // rfc822Name, dNSName, URI (IA5String)
  }
  return `[${n}]#${el.content.toString('hex')}`;
}

function readAccuracy(el: DerElement): { seconds: number; millis: number; micros: number } {
  const accuracy = { seconds: 0, millis: 0, micros: 0 };
  for (const field of children(el)) {
    // seconds INTEGER OPTIONAL, millis [0] IMPLICIT INTEGER OPTIONAL, micros [1] IMPLICIT INTEGER OPTIONAL
    const unit = field.tag === Tag.INTEGER ? 'seconds' : field.tag === contextTag(0, false) ? 'millis' : field.tag === contextTag(1, false) ? 'micros' : null;
    if (unit === null) throw new DerError('unexpected field in Accuracy');
    const v = readInteger(field, field.tag);
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DerError('malformed Accuracy');
    accuracy[unit] = Number(v);
  }
  return accuracy;
}

/**
 * Digs the TSTInfo out of a TimeStampToken (ContentInfo → SignedData → encapContentInfo →
 * eContent) and parses it. Does NOT verify the TSA's signature: use
 * {@link verifyTimestampWithOpenssl} for that.
 *
 * @example
 * const info = parseTimestampToken(token);
 * info.genTime      // => 2024-05-01T12:00:00.000Z
 * info.messageImprint.digest.equals(sha256(data)) // => true
 */
export function parseTimestampToken(token: Uint8Array): TimestampInfo {
  const [contentType, content, ...extra] = children(expectTag(decodeDer(token), Tag.SEQUENCE, 'ContentInfo'));
  if (extra.length > 0) throw new DerError('ContentInfo has unexpected trailing fields');
  if (readOid(expectTag(contentType, Tag.OID, 'ContentInfo contentType')) !== OID_SIGNED_DATA) {
    throw new DerError('TimeStampToken is not CMS SignedData');
  }
  const [signedData] = children(expectTag(content, contextTag(0), 'ContentInfo content [0]'));
  const [, , encap] = children(expectTag(signedData, Tag.SEQUENCE, 'SignedData'));
  const [eContentType, eContentWrapper] = children(expectTag(encap, Tag.SEQUENCE, 'EncapsulatedContentInfo'));
  if (readOid(expectTag(eContentType, Tag.OID, 'eContentType')) !== OID_TST_INFO) {
    throw new DerError('SignedData does not contain a TSTInfo');
  }
  const [eContent] = children(expectTag(eContentWrapper, contextTag(0), 'eContent [0]'));
  const tstInfo = decodeDer(readOctetString(expectTag(eContent, Tag.OCTET_STRING, 'eContent')));
  const fields = children(expectTag(tstInfo, Tag.SEQUENCE, 'TSTInfo'));
  let i = 0;
  const next = (): DerElement | undefined => fields[i];

  if (readInteger(expectTag(fields[i++], Tag.INTEGER, 'TSTInfo version')) !== 1n) throw new DerError('TSTInfo version is not 1');
  const policy = readOid(expectTag(fields[i++], Tag.OID, 'TSTInfo policy'));
  const [algId, digestEl] = children(expectTag(fields[i++], Tag.SEQUENCE, 'MessageImprint'));
  const [algorithmEl] = children(expectTag(algId, Tag.SEQUENCE, 'hashAlgorithm'));
  const messageImprint = {
    algorithm: readOid(expectTag(algorithmEl, Tag.OID, 'hashAlgorithm OID')),
    digest: Buffer.from(readOctetString(expectTag(digestEl, Tag.OCTET_STRING, 'hashedMessage'))),
  };
  const serialNumber = readInteger(expectTag(fields[i++], Tag.INTEGER, 'serialNumber')).toString();
  const genTime = readGeneralizedTime(expectTag(fields[i++], Tag.GENERALIZED_TIME, 'genTime'));
  const info: TimestampInfo = { policy, messageImprint, serialNumber, genTime, ordering: false };
  if (next()?.tag === Tag.SEQUENCE) info.accuracy = readAccuracy(fields[i++]!);
  if (next()?.tag === Tag.BOOLEAN) info.ordering = readBoolean(fields[i++]!);
  if (next()?.tag === Tag.INTEGER) info.nonce = readInteger(fields[i++]!);
  if (next()?.tag === contextTag(0)) {
    const [name] = children(fields[i++]!);
    if (name === undefined) throw new DerError('empty tsa field');
    info.tsa = renderGeneralName(name);
  }
  if (next()?.tag === contextTag(1)) i++; // extensions: not interpreted
  if (i !== fields.length) throw new DerError(`unexpected field in TSTInfo at offset ${fields[i]!.offset}`);
  return info;
}

/**
 * True if the token's message imprint is the hash of `data` (SHA-256, or SHA-384/512 if the
 * token says so). Says nothing about the TSA's signature.
 *
 * @example
 * checkTimestampImprint(token, checkpointText) // => true
 */
export function checkTimestampImprint(token: Uint8Array, data: Uint8Array | string): boolean {
  const { algorithm, digest } = parseTimestampToken(token).messageImprint;
  const name = HASH_BY_OID[algorithm];
  if (name === undefined) return false;
  return createHash(name).update(data).digest().equals(digest);
}

/** Options for {@link requestTimestamp}. */
export interface RequestTimestampOptions extends TimestampRequestOptions {
  /** Overall deadline for the HTTP exchange (default 30 000 ms). */
  timeoutMs?: number;
  /** Largest response accepted (default 1 MiB). */
  maxResponseBytes?: number;
}

function post(url: URL, body: Buffer, timeoutMs: number, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = { 'Content-Type': 'application/timestamp-query', Accept: 'application/timestamp-reply', 'Content-Length': body.length };
    const req = send(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxBytes) fail(new TimestampError(`timestamp response from ${url.origin} exceeds ${maxBytes} bytes`));
        else chunks.push(chunk);
      });
      res.on('error', (err) => fail(new TimestampError(`timestamp response from ${url.origin} failed: ${err.message}`)));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const data = Buffer.concat(chunks);
        if (status >= 200 && status <= 299) return succeed(data);
        const snippet = data.toString('utf8', 0, 200).replace(/[^\x20-\x7e]+/g, ' ').trim();
        fail(new TimestampError(`timestamp server ${url.origin} answered HTTP ${status}${snippet ? `: ${snippet}` : ''}`));
      });
    });
    let settled = false;
    const timer = setTimeout(() => fail(new TimestampError(`timestamp request to ${url.origin} timed out after ${timeoutMs} ms`)), timeoutMs);
    function succeed(data: Buffer): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(data);
    }
    function fail(err: Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    }
    req.on('error', (err) => fail(new TimestampError(`timestamp request to ${url.origin} failed: ${err.message}`)));
    req.end(body);
  });
}

/**
 * Requests a timestamp for `data` from an RFC 3161 TSA over HTTP(S) and returns the raw DER
 * TimeStampResp. Before returning it checks that the request was granted, that the token's
 * imprint is SHA-256(data) and that the nonce was echoed; otherwise throws {@link TimestampError}.
 *
 * @example
 * const response = await requestTimestamp('http://timestamp.example/tsa', checkpointText, { timeoutMs: 10_000 });
 * const { token } = parseTimestampResponse(response);
 */
export async function requestTimestamp(url: string | URL, data: TimestampInput, options: RequestTimestampOptions = {}): Promise<Buffer> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new TimestampError(`unsupported TSA URL scheme ${target.protocol}`);
  const nonce = options.nonce === undefined ? BigInt(`0x${randomBytes(8).toString('hex')}`) : options.nonce;
  const digest = sha256Of(data);
  const query = buildTimestampRequest({ digest }, { ...options, nonce });
  const der = await post(target, query, options.timeoutMs ?? 30_000, options.maxResponseBytes ?? 1 << 20);
  let response: TimestampResponse;
  let info: TimestampInfo;
  try {
    response = parseTimestampResponse(der);
    if (response.status > 1) {
      const why = [response.statusText, response.failInfo?.join(', ')].filter(Boolean).join('; ');
      throw new TimestampError(`TSA ${target.origin} refused the request: ${response.statusName}${why ? ` (${why})` : ''}`);
    }
    if (response.token === undefined) throw new TimestampError(`TSA ${target.origin} granted the request but sent no token`);
    info = parseTimestampToken(response.token);
  } catch (err) {
    if (err instanceof DerError) throw new TimestampError(`TSA ${target.origin} sent a malformed response: ${err.message}`);
    throw err;
  }
  if (info.messageImprint.algorithm !== OID_SHA256 || !info.messageImprint.digest.equals(digest)) {
    throw new TimestampError(`TSA ${target.origin} timestamped a different hash than the one requested`);
  }
  if (nonce !== null && info.nonce !== nonce) throw new TimestampError(`TSA ${target.origin} did not echo the request nonce`);
  return der;
}

/** Options for {@link verifyTimestampWithOpenssl}. Give either `token` or `response`. */
export interface OpensslVerifyOptions {
  /** The timestamped data. */
  data: Uint8Array | string;
  /** A TimeStampToken (DER). */
  token?: Uint8Array;
  /** A whole TimeStampResp (DER). */
  response?: Uint8Array;
  /** PEM file of trusted root certificate(s). */
  caFile: string;
  /** PEM file of intermediate/TSA certificates not included in the token. */
  untrustedFile?: string;
  /** The openssl binary (default `openssl` on PATH). */
  opensslPath?: string;
}

/**
 * Verifies a timestamp's signature, certificate chain and imprint with
 * `openssl ts -verify -data <file> -in <token> -token_in -CAfile <ca>` in a temporary
 * directory. `ok` is true only if openssl exits 0 and prints "Verification: OK".
 *
 * @example
 * const { ok, output } = await verifyTimestampWithOpenssl({ data: checkpointText, token, caFile: '/etc/custodia/tsa-roots.pem' });
 */
export async function verifyTimestampWithOpenssl(options: OpensslVerifyOptions): Promise<{ ok: boolean; output: string }> {
  const { token, response } = options;
  if ((token === undefined) === (response === undefined)) throw new TypeError('give exactly one of token or response');
  const dir = await mkdtemp(join(tmpdir(), 'custodia-ts-verify-'));
  try {
    const dataFile = join(dir, 'data.bin');
    const inFile = join(dir, token ? 'token.der' : 'response.tsr');
    await writeFile(dataFile, options.data);
    await writeFile(inFile, (token ?? response)!);
    const args = ['ts', '-verify', '-data', dataFile, '-in', inFile, ...(token ? ['-token_in'] : []), '-CAfile', options.caFile];
    if (options.untrustedFile !== undefined) args.push('-untrusted', options.untrustedFile);
    return await new Promise((resolve, reject) => {
      execFile(options.opensslPath ?? 'openssl', args, { timeout: 60_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new TimestampError(`cannot run ${options.opensslPath ?? 'openssl'}: not found`));
          return;
        }
        const output = `${stdout}${stderr}`.trim();
        resolve({ ok: !err && /^Verification: OK$/m.test(output), output });
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
