import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CanonicalJsonError, LedgerFormatError, canonicalJson, decodeEntry, encodeEntry, type LedgerEntry } from './entry.js';

describe('canonicalJson', () => {
  it('reproduces the RFC 8785 §3.2.2 example', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    assert.equal(
      canonicalJson(input),
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 example), not code points', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    assert.equal(
      canonicalJson(input),
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    assert.equal(canonicalJson({ '10': 1, '9': 2, a: 3 }), '{"10":1,"9":2,"a":3}');
  });

  it('formats numbers like ECMAScript and handles nesting, empty containers and null prototypes', () => {
    assert.equal(canonicalJson([-0, 1e21, 1e-7, 0.000001, 100, -1.5]), '[0,1e+21,1e-7,0.000001,100,-1.5]');
    assert.equal(canonicalJson({ b: { d: [], c: {} }, a: 'x' }), '{"a":"x","b":{"c":{},"d":[]}}');
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { z: 1, y: true });
    assert.equal(canonicalJson(bare), '{"y":true,"z":1}');
    assert.equal(canonicalJson('lone \ud800 surrogate'), '"lone \\ud800 surrogate"');
    assert.equal(canonicalJson(null), 'null');
    const shared = { k: 1 };
    assert.equal(canonicalJson([shared, shared]), '[{"k":1},{"k":1}]', 'repeated (non-circular) objects are fine');
  });

  it('rejects values without a JSON form, naming the path', () => {
    const cases: [unknown, RegExp][] = [
      [undefined, /undefined at \$$/],
      [{ a: undefined }, /unsupported value undefined at \$\.a$/],
      [{ a: [1, Number.NaN] }, /unsupported number NaN at \$\.a\[1\]$/],
      [{ x: { 'a b': Infinity } }, /unsupported number Infinity at \$\.x\["a b"\]$/],
      [[-Infinity], /-Infinity at \$\[0\]$/],
      [{ f: () => 1 }, /a function at \$\.f$/],
      [{ n: 10n }, /a bigint at \$\.n$/],
      [{ s: Symbol('s') }, /a symbol at \$\.s$/],
      [{ d: new Date(0) }, /object of type Date at \$\.d$/],
      [{ b: Buffer.from('x') }, /object of type Buffer at \$\.b$/],
      [{ m: new Map() }, /object of type Map at \$\.m$/],
      // eslint-disable-next-line no-sparse-arrays
      [[1, , 3], /undefined at \$\[1\]$/],
    ];
    for (const [value, message] of cases) {
      assert.throws(() => canonicalJson(value), (err: unknown) => err instanceof CanonicalJsonError && message.test(err.message), String(message));
    }
    const loop: Record<string, unknown> = { a: { b: {} } };
    (loop.a as Record<string, Record<string, unknown>>).b!.c = loop;
    assert.throws(() => canonicalJson(loop), /circular reference at \$\.a\.b\.c$/);
  });
});

const SUBJECT = 'a'.repeat(64);
const sample = (): LedgerEntry => ({
  v: 1,
  seq: 41,
  time: '2024-02-29T23:59:59.123Z',
  actor: 'intake-node-3',
  action: 'evidence.received',
  subjects: [SUBJECT, 'b'.repeat(64)],
  details: { size: 1024, mediaType: 'video/mp4', note: 'Cellule n°4 — caméra 2', nested: { z: null, a: [true] } },
});

describe('encodeEntry / decodeEntry', () => {
  it('encodes to canonical UTF-8 JSON and decodes back', () => {
    const bytes = encodeEntry(sample());
    assert.equal(
      bytes.toString('utf8'),
      '{"action":"evidence.received","actor":"intake-node-3","details":{"mediaType":"video/mp4","nested":{"a":[true],"z":null},' +
        `"note":"Cellule n°4 — caméra 2","size":1024},"seq":41,"subjects":["${SUBJECT}","${'b'.repeat(64)}"],` +
        '"time":"2024-02-29T23:59:59.123Z","v":1}',
    );
    assert.deepEqual(decodeEntry(bytes), sample());
    assert.deepEqual(decodeEntry(new Uint8Array(bytes)), sample());
  });

  it('accepts integer-like keys in details (which JavaScript reorders) in canonical order only', () => {
    const e = { ...sample(), details: { '10': 'ten', '9': 'nine', b: 1 } };
    const bytes = encodeEntry(e);
    assert.match(bytes.toString(), /"details":\{"10":"ten","9":"nine","b":1\}/);
    assert.deepEqual(decodeEntry(bytes), e);
    const reordered = bytes.toString().replace('{"10":"ten","9":"nine"', '{"9":"nine","10":"ten"');
    assert.throws(() => decodeEntry(Buffer.from(reordered)), /not in canonical JSON form/);
  });

  it('names the wrong field', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ v: 2 }, 'v'],
      [{ seq: -1 }, 'seq'],
      [{ seq: 1.5 }, 'seq'],
      [{ seq: '1' }, 'seq'],
      [{ seq: 2 ** 53 }, 'seq'],
      [{ time: '2024-02-29T23:59:59Z' }, 'time'],
      [{ time: '2024-02-29 23:59:59.123Z' }, 'time'],
      [{ time: '2024-02-29T23:59:59.123+00:00' }, 'time'],
      [{ time: '2023-02-29T00:00:00.000Z' }, 'time'],
      [{ time: '2024-04-31T00:00:00.000Z' }, 'time'],
      [{ time: '2024-13-01T00:00:00.000Z' }, 'time'],
      [{ time: '2024-01-01T24:00:00.000Z' }, 'time'],
      [{ time: '2016-12-31T23:59:60.000Z' }, 'time'],
      [{ time: 1_700_000_000_000 }, 'time'],
      [{ actor: '' }, 'actor'],
      [{ actor: 7 }, 'actor'],
      [{ action: null }, 'action'],
      [{ subjects: SUBJECT }, 'subjects'],
      [{ subjects: [SUBJECT, 'A'.repeat(64)] }, 'subjects[1]'],
      [{ subjects: ['abc'] }, 'subjects[0]'],
      [{ details: [] }, 'details'],
      [{ details: null }, 'details'],
      [{ extra: true }, 'extra'],
      [{ details: { when: undefined } }, 'details.when'],
      [{ details: { deep: [1, { x: Number.NaN }] } }, 'details.deep[1].x'],
    ];
    for (const [patch, field] of bad) {
      const entry = { ...sample(), ...patch } as unknown as LedgerEntry;
      assert.throws(
        () => encodeEntry(entry),
        (err: unknown) => err instanceof LedgerFormatError && err.field === field,
        `${JSON.stringify(patch)} should fail on ${field}`,
      );
      if (field !== 'details.when' && field !== 'details.deep[1].x') {
        // decodeEntry applies the same rules to canonical bytes in which only this field is wrong.
        assert.throws(() => decodeEntry(Buffer.from(canonicalOf(entry))), (err: unknown) => err instanceof LedgerFormatError && err.field === field);
      }
    }
    const { seq: _dropped, ...missing } = sample();
    assert.throws(() => encodeEntry(missing as LedgerEntry), (err: unknown) => err instanceof LedgerFormatError && err.field === 'seq' && /missing/.test(err.message));
  });

  it('rejects bytes that are not canonical, not UTF-8 or not an object', () => {
    const good = encodeEntry(sample()).toString('utf8');
    const variants = [
      good.replace('"v":1}', '"v":1 }'), // whitespace
      ' ' + good,
      '\ufeff' + good, // byte order mark
      good.replace('{"action":"evidence.received","actor":"intake-node-3",', '{"actor":"intake-node-3","action":"evidence.received",'), // key order
      good.replace('"v":1}', '"v":1,"v":1}'), // duplicate key
      good.replace('"seq":41', '"seq":41.0'), // number format
      good.replace('"seq":41', '"seq":4.1e1'),
      good.replace('intake-node-3', 'intake\\u002dnode-3'), // needless escape
      good + '\n',
    ];
    for (const text of variants) {
      assert.throws(() => decodeEntry(Buffer.from(text, 'utf8')), (err: unknown) => err instanceof LedgerFormatError && err.field === null, text);
    }
    assert.throws(() => decodeEntry(Buffer.from([0x7b, 0xff, 0x7d])), /not valid UTF-8/);
    assert.throws(() => decodeEntry(Buffer.from('[1]')), /must be a JSON object/);
    assert.throws(() => decodeEntry(Buffer.from('')), /not valid JSON/);
    assert.throws(() => decodeEntry(Buffer.from('{"__proto__":{}}')), /unexpected field/);
  });
});

function canonicalOf(entry: unknown): string {
  // Canonical JSON of a possibly invalid entry (bypassing validation) for decode tests.
  return canonicalJson(JSON.parse(JSON.stringify(entry)) as unknown);
}
