// A minimal DER (ASN.1 Distinguished Encoding Rules, ITU-T X.690) reader and writer: just
// enough for RFC 3161 timestamps. Reading is bounds-checked and strict (definite, minimal
// lengths; single-byte tags), so hostile input produces a DerError, never a crash or a hang.
// Nothing is parsed recursively behind your back: you walk the structure with children().

/** Thrown for any malformed or unexpected DER. */
export class DerError extends Error {
  constructor(message: string) {
    super(`DER: ${message}`);
    this.name = 'DerError';
  }
}

/** Identifier bytes of the universal types used here, and helpers for context-specific tags. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/**
 * Identifier byte of a context-specific tag `[n]`; constructed (0xa0|n) by default, which is
 * what EXPLICIT tagging and IMPLICIT tagging of SEQUENCE/SET use.
 *
 * @example
 * contextTag(0)        // => 0xa0
 * contextTag(1, false) // => 0x81
 */
export function contextTag(n: number, constructed = true): number {
  if (!Number.isInteger(n) || n < 0 || n > 30) throw new DerError(`context tag number ${n} not supported`);
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

/** One decoded TLV element. `bytes` and `content` are views into the input buffer. */
export interface DerElement {
  /** The identifier byte (class, constructed bit and tag number). */
  tag: number;
  constructed: boolean;
  /** Offset of the element in the input buffer. */
  offset: number;
  /** The whole element: identifier, length and content. */
  bytes: Buffer;
  /** The content octets only. */
  content: Buffer;
}

function toBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Reads one element starting at `offset`, not reading past `end`.
 *
 * @example
 * const el = readElement(Buffer.from('020105', 'hex')); // { tag: 0x02, content: <05>, … }
 */
export function readElement(input: Uint8Array, offset = 0, end = input.length): DerElement {
  const buf = toBuffer(input);
  if (end > buf.length) end = buf.length;
  if (offset + 2 > end) throw new DerError(`truncated element at offset ${offset}`);
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`multi-byte tag at offset ${offset} not supported`);
  let length = buf[offset + 1]!;
  let headerLength = 2;
  if (length === 0x80) throw new DerError(`indefinite length at offset ${offset} (not DER)`);
  if (length > 0x80) {
    const lengthBytes = length & 0x7f;
    if (lengthBytes > 4) throw new DerError(`length field of ${lengthBytes} bytes at offset ${offset} too large`);
    if (offset + 2 + lengthBytes > end) throw new DerError(`truncated length at offset ${offset}`);
    length = 0;
    for (let i = 0; i < lengthBytes; i++) length = length * 256 + buf[offset + 2 + i]!;
    if (length < 0x80 || buf[offset + 2] === 0) throw new DerError(`non-minimal length encoding at offset ${offset} (not DER)`);
    headerLength += lengthBytes;
  }
  const contentStart = offset + headerLength;
  if (contentStart + length > end) {
    throw new DerError(`element at offset ${offset} claims ${length} content bytes but only ${end - contentStart} remain`);
  }
  return {
    tag,
    constructed: (tag & 0x20) !== 0,
    offset,
    bytes: buf.subarray(offset, contentStart + length),
    content: buf.subarray(contentStart, contentStart + length),
  };
}

/**
 * Decodes a buffer that must hold exactly one DER element (no trailing bytes).
 *
 * @example
 * const seq = decodeDer(der); // throws DerError on trailing garbage
 */
export function decodeDer(input: Uint8Array): DerElement {
  const el = readElement(input, 0);
  if (el.bytes.length !== input.length) throw new DerError(`${input.length - el.bytes.length} trailing bytes after element`);
  return el;
}

/**
 * The elements inside a constructed element (SEQUENCE, SET, explicit tags).
 *
 * @example
 * const [version, imprint] = children(decodeDer(request));
 */
export function children(el: DerElement): DerElement[] {
  if (!el.constructed) throw new DerError(`element with tag 0x${hex(el.tag)} is not constructed`);
  const out: DerElement[] = [];
  const content = el.content;
  for (let pos = 0; pos < content.length; ) {
    const child = readElement(content, pos);
    out.push(child);
    pos += child.bytes.length;
  }
  return out;
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/**
 * Throws a DerError unless `el` exists and has the given tag; returns it.
 *
 * @example
 * const seq = expectTag(children(outer)[0], Tag.SEQUENCE, 'PKIStatusInfo');
 */
export function expectTag(el: DerElement | undefined, tag: number, what: string): DerElement {
  if (el === undefined) throw new DerError(`missing ${what}`);
  if (el.tag !== tag) throw new DerError(`${what}: expected tag 0x${hex(tag)}, found 0x${hex(el.tag)} at offset ${el.offset}`);
  return el;
}

/**
 * Reads an INTEGER (two's complement, minimal encoding) as a bigint. Pass `tag` to read an
 * IMPLICIT-tagged integer such as `[0] IMPLICIT INTEGER` (tag 0x80).
 *
 * @example
 * readInteger(decodeDer(Buffer.from('020200ff', 'hex'))) // => 255n
 */
export function readInteger(el: DerElement, tag: number = Tag.INTEGER): bigint {
  expectTag(el, tag, 'INTEGER');
  const c = el.content;
  if (c.length === 0) throw new DerError('empty INTEGER');
  if (c.length > 1 && ((c[0] === 0x00 && c[1]! < 0x80) || (c[0] === 0xff && c[1]! >= 0x80))) {
    throw new DerError('non-minimal INTEGER encoding');
  }
  let v = BigInt(`0x${c.toString('hex')}`);
  if (c[0]! >= 0x80) v -= 1n << BigInt(c.length * 8);
  return v;
}

/**
 * Reads an OBJECT IDENTIFIER as dotted decimal.
 *
 * @example
 * readOid(decodeDer(encodeOid('2.16.840.1.101.3.4.2.1'))) // => '2.16.840.1.101.3.4.2.1'
 */
export function readOid(el: DerElement): string {
  expectTag(el, Tag.OID, 'OBJECT IDENTIFIER');
  const c = el.content;
  if (c.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  const arcs: bigint[] = [];
  let value = 0n;
  let start = true;
  for (const byte of c) {
    if (start && byte === 0x80) throw new DerError('non-minimal OBJECT IDENTIFIER arc');
    value = (value << 7n) | BigInt(byte & 0x7f);
    start = (byte & 0x80) === 0;
    if (start) {
      arcs.push(value);
      value = 0n;
    }
  }
  if (!start) throw new DerError('truncated OBJECT IDENTIFIER');
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

/**
 * Reads an OCTET STRING (primitive form only, as DER requires).
 *
 * @example
 * readOctetString(decodeDer(Buffer.from('0402abcd', 'hex'))) // => <Buffer ab cd>
 */
export function readOctetString(el: DerElement): Buffer {
  return expectTag(el, Tag.OCTET_STRING, 'OCTET STRING').content;
}

/**
 * Reads a BOOLEAN (DER: 0x00 or 0xff).
 *
 * @example
 * readBoolean(decodeDer(Buffer.from('0101ff', 'hex'))) // => true
 */
export function readBoolean(el: DerElement): boolean {
  const c = expectTag(el, Tag.BOOLEAN, 'BOOLEAN').content;
  if (c.length !== 1 || (c[0] !== 0x00 && c[0] !== 0xff)) throw new DerError('BOOLEAN must be one byte, 0x00 or 0xff');
  return c[0] === 0xff;
}

/**
 * Reads a BIT STRING as its bytes and the number of unused bits in the last byte.
 *
 * @example
 * readBitString(decodeDer(Buffer.from('03020780', 'hex'))) // => { unusedBits: 7, bytes: <80> }
 */
export function readBitString(el: DerElement): { unusedBits: number; bytes: Buffer } {
  const c = expectTag(el, Tag.BIT_STRING, 'BIT STRING').content;
  if (c.length === 0 || c[0]! > 7 || (c.length === 1 && c[0] !== 0)) throw new DerError('malformed BIT STRING');
  return { unusedBits: c[0]!, bytes: c.subarray(1) };
}

/**
 * Reads a character string (UTF8String, PrintableString, IA5String, TeletexString, BMPString).
 *
 * @example
 * readString(decodeDer(Buffer.from('0c026869', 'hex'))) // => 'hi'
 */
export function readString(el: DerElement): string {
  switch (el.tag) {
    case Tag.UTF8_STRING:
      return el.content.toString('utf8');
    case Tag.PRINTABLE_STRING:
    case Tag.IA5_STRING:
    case Tag.TELETEX_STRING:
      return el.content.toString('latin1');
    case Tag.BMP_STRING: {
      if (el.content.length % 2 !== 0) throw new DerError('BMPString of odd length');
      const swapped = Buffer.from(el.content);
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    default:
      throw new DerError(`expected a character string, found tag 0x${hex(el.tag)}`);
  }
}

/**
 * Reads a GeneralizedTime in DER form `YYYYMMDDHHMMSS[.fff…]Z` (fractions beyond milliseconds are truncated).
 *
 * @example
 * readGeneralizedTime(decodeDer(encodeGeneralizedTime(new Date('2024-05-01T12:00:00.250Z')))).toISOString()
 * // => '2024-05-01T12:00:00.250Z'
 */
export function readGeneralizedTime(el: DerElement): Date {
  const text = expectTag(el, Tag.GENERALIZED_TIME, 'GeneralizedTime').content.toString('latin1');
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d*[1-9]))?Z$/.exec(text);
  if (!m) throw new DerError(`GeneralizedTime ${JSON.stringify(text)} is not of the DER form YYYYMMDDHHMMSS[.fff]Z`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    throw new DerError(`GeneralizedTime ${text} is not a valid date`);
  }
  return date;
}

// ---------------------------------------------------------------------------------------
// Writing

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/**
 * Encodes one element from its identifier byte and content.
 *
 * @example
 * encodeElement(Tag.OCTET_STRING, Buffer.from([1, 2])) // => <Buffer 04 02 01 02>
 */
export function encodeElement(tag: number, content: Uint8Array): Buffer {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xff || (tag & 0x1f) === 0x1f) throw new DerError(`unsupported tag ${tag}`);
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

/**
 * Encodes an INTEGER in minimal two's complement.
 *
 * @example
 * encodeInteger(255n) // => <Buffer 02 02 00 ff>
 * encodeInteger(1)    // => <Buffer 02 01 01>
 */
export function encodeInteger(value: bigint | number): Buffer {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new DerError(`${value} is not a safe integer`);
  let v = BigInt(value);
  let length = 1;
  while (v < -(1n << BigInt(length * 8 - 1)) || v >= 1n << BigInt(length * 8 - 1)) length++;
  if (v < 0n) v += 1n << BigInt(length * 8);
  return encodeElement(Tag.INTEGER, Buffer.from(v.toString(16).padStart(length * 2, '0'), 'hex'));
}

/**
 * Encodes an OBJECT IDENTIFIER from dotted decimal.
 *
 * @example
 * encodeOid('2.16.840.1.101.3.4.2.1') // => <Buffer 06 09 60 86 48 01 65 03 04 02 01>
 */
export function encodeOid(oid: string): Buffer {
  if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(oid)) throw new DerError(`invalid OID ${JSON.stringify(oid)}`);
  const arcs = oid.split('.').map((a) => BigInt(a));
  const [a, b] = arcs as [bigint, bigint];
  if (a < 2n && b >= 40n) throw new DerError(`invalid OID ${oid}: second arc must be < 40`);
  const bytes: number[] = [];
  for (const arc of [a * 40n + b, ...arcs.slice(2)]) {
    const groups: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn) | 0x80);
    bytes.push(...groups);
  }
  return encodeElement(Tag.OID, Buffer.from(bytes));
}

/**
 * Encodes an OCTET STRING.
 *
 * @example
 * encodeOctetString(digest) // => <Buffer 04 20 …32 bytes>
 */
export function encodeOctetString(bytes: Uint8Array): Buffer {
  return encodeElement(Tag.OCTET_STRING, bytes);
}

/**
 * Encodes NULL.
 *
 * @example
 * encodeNull() // => <Buffer 05 00>
 */
export function encodeNull(): Buffer {
  return Buffer.from([Tag.NULL, 0]);
}

/**
 * Encodes a BOOLEAN.
 *
 * @example
 * encodeBoolean(true) // => <Buffer 01 01 ff>
 */
export function encodeBoolean(value: boolean): Buffer {
  return Buffer.from([Tag.BOOLEAN, 1, value ? 0xff : 0x00]);
}

/**
 * Encodes a SEQUENCE of already-encoded elements.
 *
 * @example
 * encodeSequence(encodeOid('2.16.840.1.101.3.4.2.1'), encodeNull()) // an AlgorithmIdentifier
 */
export function encodeSequence(...elements: Uint8Array[]): Buffer {
  return encodeElement(Tag.SEQUENCE, Buffer.concat(elements));
}

/**
 * Encodes a SET OF already-encoded elements, sorted by their encodings as DER requires.
 *
 * @example
 * encodeSet(encodeInteger(2), encodeInteger(1)) // => <Buffer 31 06 02 01 01 02 01 02>
 */
export function encodeSet(...elements: Uint8Array[]): Buffer {
  const sorted = elements.map(toBuffer).sort(Buffer.compare);
  return encodeElement(Tag.SET, Buffer.concat(sorted));
}

/**
 * Encodes an EXPLICIT context tag `[n]` around one already-encoded element.
 *
 * @example
 * encodeExplicit(0, encodeInteger(1)) // => <Buffer a0 03 02 01 01>
 */
export function encodeExplicit(n: number, element: Uint8Array): Buffer {
  return encodeElement(contextTag(n), element);
}

/**
 * Encodes a GeneralizedTime in DER form (UTC, milliseconds only if non-zero, no trailing zeros).
 *
 * @example
 * encodeGeneralizedTime(new Date('2024-05-01T12:00:00.250Z')) // content '20240501120000.25Z'
 */
export function encodeGeneralizedTime(date: Date): Buffer {
  if (Number.isNaN(date.getTime())) throw new DerError('invalid date');
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  if (iso.length !== 24) throw new DerError('year outside 0000–9999');
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  const text = iso.slice(0, 19).replace(/[-T:]/g, '') + (fraction ? `.${fraction}` : '') + 'Z';
  return encodeElement(Tag.GENERALIZED_TIME, Buffer.from(text, 'latin1'));
}
