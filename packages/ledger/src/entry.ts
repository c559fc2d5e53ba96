// Ledger entries and their canonical byte encoding.
//
// Every custody event (evidence received, copied, viewed, redacted, published…) is one
// LedgerEntry. The bytes that go into the Merkle tree are the entry's canonical JSON
// (RFC 8785 "JCS" style: keys sorted, no whitespace), so that anyone can re-derive the
// exact same bytes — and therefore the same hashes — from the same entry.

/** Thrown by {@link canonicalJson} for values that have no canonical JSON form. */
export class CanonicalJsonError extends TypeError {
  /** Where in the value the problem is, e.g. `$.details.size`. */
  readonly path: string;
  constructor(path: string, problem: string) {
    super(`canonicalJson: ${problem} at ${path}`);
    this.name = 'CanonicalJsonError';
    this.path = path;
  }
}

/** Thrown by {@link encodeEntry} / {@link decodeEntry} when an entry is malformed. */
export class LedgerFormatError extends Error {
  /** The offending field (e.g. `subjects[2]`), or `null` when the problem is the bytes as a whole. */
  readonly field: string | null;
  constructor(field: string | null, message: string) {
    super(field === null ? `ledger entry: ${message}` : `ledger entry field "${field}": ${message}`);
    this.name = 'LedgerFormatError';
    this.field = field;
  }
}

type PathPart = string | number;

function formatPath(parts: readonly PathPart[]): string {
  let out = '$';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(p)) out += `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value); // NaN, Infinity, -Infinity
  if (typeof value === 'bigint') return 'a bigint';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  const ctor = (value as object).constructor;
  return `an object of type ${typeof ctor === 'function' && ctor.name ? ctor.name : 'unknown'}`;
}

/**
 * Serialises a JSON value deterministically (RFC 8785 JCS style): object keys sorted by
 * UTF-16 code units, no whitespace, strings and numbers formatted exactly as
 * `JSON.stringify` does. Only `null`, booleans, finite numbers, strings, arrays and plain
 * objects are accepted; anything else (undefined, NaN, Infinity, bigint, functions, Dates,
 * Buffers, cycles…) throws a {@link CanonicalJsonError} naming the path of the bad value.
 *
 * @example
 * canonicalJson({ b: [1, 'x'], a: null }) // => '{"a":null,"b":[1,"x"]}'
 * canonicalJson({ a: undefined })         // throws: "canonicalJson: unsupported value undefined at $.a"
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, [], []);
}

function serialise(value: unknown, path: PathPart[], ancestors: object[]): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(formatPath(path), `unsupported number ${value}`);
      return JSON.stringify(value); // ECMAScript Number::toString, as JCS requires; -0 becomes "0"
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(formatPath(path), `unsupported value ${describe(value)}`);
  }
  if (value === null) return 'null';
  if (ancestors.includes(value)) throw new CanonicalJsonError(formatPath(path), 'circular reference');
  ancestors.push(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      out += (i === 0 ? '' : ',') + serialise(value[i], path, ancestors);
      path.pop();
    }
    out += ']';
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new CanonicalJsonError(formatPath(path), `unsupported value ${describe(value)}`);
    }
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort(); // default sort = UTF-16 code unit order, as JCS requires
    out = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      path.push(key);
      out += (i === 0 ? '' : ',') + JSON.stringify(key) + ':' + serialise(obj[key], path, ancestors);
      path.pop();
    }
    out += '}';
  }
  ancestors.pop();
  return out;
}

/** One custody event. Its canonical JSON encoding is what the Merkle tree commits to. */
export interface LedgerEntry {
  /** Format version; always 1. */
  v: 1;
  /** Position of the entry in the ledger, starting at 0 (equal to its Merkle leaf index). */
  seq: number;
  /** When the event was recorded: ISO-8601 UTC with milliseconds, e.g. `2024-05-01T12:00:00.000Z`. */
  time: string;
  /** Who did it (a user, device or service identifier). */
  actor: string;
  /** What was done, e.g. `evidence.received`. */
  action: string;
  /** SHA-256 digests (lowercase hex) of the evidence items concerned. */
  subjects: string[];
  /** Action-specific details; any canonical-JSON-serialisable object. */
  details: Record<string, unknown>;
}

const ENTRY_FIELDS = ['action', 'actor', 'details', 'seq', 'subjects', 'time', 'v'] as const;
const ISO_UTC_MS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{3}Z$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Calendar check without Date parsing (which is slow in bulk): no 31 April, no 25:00, no leap seconds. */
function isRealDateTime(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return daysInMonth !== undefined && day >= 1 && day <= daysInMonth && hour < 24 && minute < 60 && second < 60;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks that `value` has exactly the shape of a {@link LedgerEntry} (no missing or extra
 * fields, right types and formats) and returns it typed. Does not check that `details`
 * is canonical-JSON-serialisable; {@link encodeEntry} does.
 *
 * @example
 * const e = validateEntry(JSON.parse(text)); // throws LedgerFormatError('seq', …) if seq is -1
 */
export function validateEntry(value: unknown): LedgerEntry {
  if (!isPlainObject(value)) throw new LedgerFormatError(null, 'must be a JSON object');
  for (const key of Object.keys(value)) {
    if (!(ENTRY_FIELDS as readonly string[]).includes(key)) throw new LedgerFormatError(key, 'unexpected field');
  }
  for (const key of ENTRY_FIELDS) {
    if (!Object.hasOwn(value, key)) throw new LedgerFormatError(key, 'missing');
  }
  const { v, seq, time, actor, action, subjects, details } = value;
  if (v !== 1) throw new LedgerFormatError('v', `must be 1, got ${JSON.stringify(v) ?? String(v)}`);
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw new LedgerFormatError('seq', 'must be a non-negative integer');
  }
  const t = typeof time === 'string' ? ISO_UTC_MS.exec(time) : null;
  if (t === null) {
    throw new LedgerFormatError('time', 'must be an ISO-8601 UTC timestamp with milliseconds, like 2024-05-01T12:00:00.000Z');
  }
  if (!isRealDateTime(+t[1]!, +t[2]!, +t[3]!, +t[4]!, +t[5]!, +t[6]!)) {
    throw new LedgerFormatError('time', `is not a real date and time: ${time as string}`);
  }
  if (typeof actor !== 'string' || actor.length === 0) throw new LedgerFormatError('actor', 'must be a non-empty string');
  if (typeof action !== 'string' || action.length === 0) throw new LedgerFormatError('action', 'must be a non-empty string');
  if (!Array.isArray(subjects)) throw new LedgerFormatError('subjects', 'must be an array');
  for (let i = 0; i < subjects.length; i++) {
    const s: unknown = subjects[i];
    if (typeof s !== 'string' || !SHA256_HEX.test(s)) {
      throw new LedgerFormatError(`subjects[${i}]`, 'must be a lowercase hex SHA-256 digest (64 characters)');
    }
  }
  if (!isPlainObject(details)) throw new LedgerFormatError('details', 'must be a JSON object');
  return value as unknown as LedgerEntry;
}

/**
 * Encodes an entry as the UTF-8 bytes of its canonical JSON. These bytes are the Merkle leaf
 * data: `leafHash(encodeEntry(e))`. Throws {@link LedgerFormatError} if the entry is malformed.
 *
 * @example
 * encodeEntry({ v: 1, seq: 0, time: '2024-05-01T12:00:00.000Z', actor: 'intake', action: 'evidence.received',
 *               subjects: [sha256hex], details: { bytes: 1024 } })
 * // => Buffer of '{"action":"evidence.received","actor":"intake","details":{"bytes":1024},"seq":0,…}'
 */
export function encodeEntry(entry: LedgerEntry): Buffer {
  validateEntry(entry);
  try {
    return Buffer.from(canonicalJson(entry), 'utf8');
  } catch (err) {
    if (err instanceof CanonicalJsonError) {
      throw new LedgerFormatError(err.path.replace(/^\$\.?/, ''), err.message);
    }
    throw err;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes and strictly validates entry bytes: they must be valid UTF-8, valid JSON, have
 * exactly the {@link LedgerEntry} shape, and be in canonical form (so every entry has exactly
 * one byte encoding, and duplicate keys or reordered fields are rejected).
 * Throws {@link LedgerFormatError} saying which field is wrong.
 *
 * @example
 * const entry = decodeEntry(encodeEntry(e)); // deep-equals e
 * decodeEntry(Buffer.from('{"v":2}'))         // throws LedgerFormatError: … field "action": missing
 */
export function decodeEntry(bytes: Uint8Array): LedgerEntry {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new LedgerFormatError(null, 'is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new LedgerFormatError(null, `is not valid JSON (${(err as Error).message})`);
  }
  const entry = validateEntry(value);
  // Fast path: JSON.stringify writes keys in Object.keys order, so when every object's keys
  // are already sorted its output is the canonical form. (Integer-like keys, which JS always
  // lists first, make the check fail and fall back to the full canonical serialiser.)
  const canonical = keysSortedEverywhere(entry) ? JSON.stringify(entry) : canonicalJson(entry);
  if (canonical !== text) {
    throw new LedgerFormatError(null, 'is not in canonical JSON form (keys must be sorted, no whitespace, no duplicate keys)');
  }
  return entry;
}

/** True if every object inside a JSON.parse result lists its keys in sorted order. */
function keysSortedEverywhere(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(keysSortedEverywhere);
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    if (i > 0 && keys[i - 1]! > keys[i]!) return false;
    if (!keysSortedEverywhere((value as Record<string, unknown>)[keys[i]!])) return false;
  }
  return true;
}
