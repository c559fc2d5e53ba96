import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DerError, Tag, children, contextTag, decodeDer, encodeBoolean, encodeElement, encodeExplicit, encodeGeneralizedTime, encodeInteger,
  encodeNull, encodeOctetString, encodeOid, encodeSequence, encodeSet, expectTag, readBitString, readBoolean, readElement,
  readGeneralizedTime, readInteger, readOctetString, readOid, readString,
} from './der.js';

const h = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const isDerError = (err: unknown): boolean => err instanceof DerError;

describe('DER INTEGER', () => {
  it('encodes minimal two’s complement and decodes it back', () => {
    const vectors: [bigint, string][] = [
      [0n, '020100'], [1n, '020101'], [127n, '02017f'], [128n, '02020080'], [255n, '020200ff'], [256n, '02020100'],
      [-1n, '0201ff'], [-128n, '020180'], [-129n, '0202ff7f'], [-256n, '0202ff00'],
      [2n ** 64n, '0209010000000000000000'],
    ];
    for (const [value, hex] of vectors) {
      assert.equal(encodeInteger(value).toString('hex'), hex, String(value));
      assert.equal(readInteger(decodeDer(h(hex))), value);
    }
    assert.equal(encodeInteger(1).toString('hex'), '020101');
    for (let i = 0; i < 200; i++) {
      const v = BigInt.asIntN(96, BigInt(`0x${Buffer.from(Array.from({ length: 12 }, () => Math.floor(Math.random() * 256))).toString('hex')}`));
      assert.equal(readInteger(decodeDer(encodeInteger(v))), v);
    }
  });

  it('rejects empty and non-minimal integers', () => {
    for (const hex of ['0200', '0202007f', '0202ff80']) assert.throws(() => readInteger(decodeDer(h(hex))), isDerError, hex);
    assert.throws(() => encodeInteger(2 ** 53), isDerError);
  });
});

describe('DER OBJECT IDENTIFIER', () => {
  it('encodes known OIDs and round-trips', () => {
    assert.equal(encodeOid('2.16.840.1.101.3.4.2.1').toString('hex'), '0609608648016503040201');
    assert.equal(encodeOid('1.2.840.113549.1.7.2').toString('hex'), '06092a864886f70d010702');
    for (const oid of ['0.0', '1.39', '2.999.3', '1.2.840.113549.1.9.16.1.4', '2.25.329800735698586629295641978511506172918']) {
      assert.equal(readOid(decodeDer(encodeOid(oid))), oid);
    }
  });

  it('rejects malformed OIDs', () => {
    for (const oid of ['', '1', '3.1', '1.40', '1.2.', '1..2', '1.02', 'a.b']) assert.throws(() => encodeOid(oid), isDerError, oid);
    for (const hex of ['0600', '0602802a', '06022a86']) assert.throws(() => readOid(decodeDer(h(hex))), isDerError, hex);
  });
});

describe('DER lengths and structure', () => {
  it('uses short and long length forms', () => {
    for (const n of [0, 1, 127, 128, 200, 255, 256, 300, 70_000]) {
      const el = encodeOctetString(Buffer.alloc(n, 0xab));
      const expectedHeader = n < 128 ? 2 : n < 256 ? 3 : n < 65_536 ? 4 : 5;
      assert.equal(el.length, n + expectedHeader, `length ${n}`);
      assert.equal(readOctetString(decodeDer(el)).length, n);
    }
  });

  it('walks sequences, sets and explicit tags', () => {
    const der = encodeSequence(encodeInteger(1), encodeExplicit(0, encodeBoolean(true)), encodeSet(encodeInteger(2), encodeInteger(1)), encodeNull());
    const [one, tagged, set, nul] = children(decodeDer(der));
    assert.equal(readInteger(one!), 1n);
    assert.equal(tagged!.tag, contextTag(0));
    assert.equal(readBoolean(children(tagged!)[0]!), true);
    assert.equal(set!.bytes.toString('hex'), '3106020101020102', 'SET OF sorted by encoding');
    assert.equal(nul!.bytes.toString('hex'), '0500');
    assert.equal(contextTag(1, false), 0x81);
    assert.throws(() => expectTag(one, Tag.SEQUENCE, 'thing'), /thing: expected tag 0x30, found 0x02/);
    assert.throws(() => expectTag(undefined, Tag.SEQUENCE, 'thing'), /missing thing/);
    assert.throws(() => children(one!), /not constructed/);
  });

  it('rejects truncated, indefinite, non-minimal, oversized and trailing input', () => {
    const bad: [string, RegExp][] = [
      ['', /truncated/],
      ['04', /truncated/],
      ['0405abcd', /claims 5 content bytes/],
      ['3080020101', /indefinite length/],
      ['048105' + '00'.repeat(5), /non-minimal length/],
      ['04820080' + '00'.repeat(128), /non-minimal length/],
      ['0485ffffffffff', /too large/],
      ['0484ffffffff00', /claims 4294967295 content bytes/],
      ['0483ff', /truncated length/],
      ['1f2200', /multi-byte tag/],
      ['050000', /trailing bytes/],
      ['3003020101ff', /trailing bytes/],
      ['30030201', /claims 3 content bytes/],
    ];
    for (const [hex, message] of bad) {
      assert.throws(() => decodeDer(h(hex)), (err: unknown) => isDerError(err) && message.test((err as Error).message), hex);
    }
    // A child that overruns its parent is caught when walking the parent.
    assert.throws(() => children(decodeDer(h('30030405ab'))), isDerError);
    assert.equal(readElement(h('ffff0500'), 2).tag, Tag.NULL);
  });

  it('reads booleans, bit strings and character strings strictly', () => {
    assert.equal(readBoolean(decodeDer(h('010100'))), false);
    assert.throws(() => readBoolean(decodeDer(h('010101'))), /0x00 or 0xff/);
    assert.deepEqual(readBitString(decodeDer(h('03020780'))), { unusedBits: 7, bytes: h('80') });
    assert.throws(() => readBitString(decodeDer(h('030108'))), isDerError);
    assert.equal(readString(decodeDer(encodeElement(Tag.UTF8_STRING, Buffer.from('Genève')))), 'Genève');
    assert.equal(readString(decodeDer(encodeElement(Tag.PRINTABLE_STRING, Buffer.from('Test TSA')))), 'Test TSA');
    assert.equal(readString(decodeDer(encodeElement(Tag.BMP_STRING, h('00e90041')))), 'éA');
    assert.throws(() => readString(decodeDer(encodeElement(Tag.BMP_STRING, h('00e900')))), /odd length/);
    assert.throws(() => readString(decodeDer(encodeInteger(1))), /character string/);
  });
});

describe('DER GeneralizedTime', () => {
  it('round-trips with and without milliseconds', () => {
    for (const iso of ['2024-05-01T12:00:00.000Z', '2024-05-01T12:00:00.250Z', '1999-12-31T23:59:59.999Z', '2024-02-29T00:00:00.001Z']) {
      const el = encodeGeneralizedTime(new Date(iso));
      assert.equal(readGeneralizedTime(decodeDer(el)).toISOString(), iso);
    }
    assert.equal(encodeGeneralizedTime(new Date('2024-05-01T12:00:00.250Z')).subarray(2).toString(), '20240501120000.25Z');
    assert.equal(encodeGeneralizedTime(new Date('2024-05-01T12:00:00.000Z')).subarray(2).toString(), '20240501120000Z');
    assert.equal(readGeneralizedTime(decodeDer(encodeElement(Tag.GENERALIZED_TIME, Buffer.from('20240501120000.123456Z')))).toISOString(), '2024-05-01T12:00:00.123Z');
  });

  it('rejects non-DER and impossible times', () => {
    for (const text of ['20240501120000', '20240501120000+0100', '20240501120000.50Z', '20240501120000.Z', '202405011200Z', '20240230120000Z', '20240501250000Z', '2024050112000aZ']) {
      assert.throws(() => readGeneralizedTime(decodeDer(encodeElement(Tag.GENERALIZED_TIME, Buffer.from(text)))), isDerError, text);
    }
    assert.throws(() => encodeGeneralizedTime(new Date(Number.NaN)), isDerError);
  });
});
