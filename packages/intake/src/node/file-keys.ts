import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Per-file keys instead of an identity (ADR 0028). An age file's header wraps its 16-byte file key
 * to each recipient; whoever holds an identity unwraps it (the staff member's browser), and the
 * file key alone then opens that one file and nothing else. A ring maps each header, by the
 * SHA-256 of its bytes, to its file key; a key is accepted only if it verifies the header's MAC.
 */
export class FileKeyRing {
  private readonly keys = new Map<string, Uint8Array>();

  add(headerSha256: string, fileKey: Uint8Array): void {
    if (!/^[0-9a-f]{64}$/.test(headerSha256)) throw new Error('a header digest is a SHA-256 in hex');
    if (fileKey.length !== 16) throw new Error('an age file key has 16 bytes');
    this.keys.set(headerSha256, Uint8Array.from(fileKey));
  }

  get size(): number {
    return this.keys.size;
  }

  /** The file key of this header, checked against the header's MAC; throws if there is none or it does not fit. */
  keyFor(header: Uint8Array): Uint8Array {
    const key = this.keys.get(headerDigest(header));
    if (!key) throw new Error('no file key was given for this file');
    if (!headerMacMatches(header, key)) throw new Error('the file key given does not open this file (header MAC mismatch)');
    return key;
  }

  /** Forgets every key (overwritten with zeros: Uint8Arrays can be). */
  clear(): void {
    for (const k of this.keys.values()) k.fill(0);
    this.keys.clear();
  }
}

/** The age header at the start of `bytes` (through the MAC line), or null if it is not all there. */
export function ageHeaderOf(bytes: Uint8Array): Uint8Array | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (!buf.subarray(0, 22).equals(Buffer.from('age-encryption.org/v1\n'))) return null;
  const marker = buf.indexOf('\n--- ');
  if (marker < 0) return null;
  const nl = buf.indexOf('\n', marker + 1);
  return nl < 0 ? null : bytes.subarray(0, nl + 1);
}

export function headerDigest(header: Uint8Array): string {
  return createHash('sha256').update(header).digest('hex');
}

/** age: MAC = HMAC-SHA-256(HKDF-SHA-256(file key, salt "", info "header"), header through "---"). */
export function headerMacMatches(header: Uint8Array, fileKey: Uint8Array): boolean {
  const buf = Buffer.from(header.buffer, header.byteOffset, header.length);
  const marker = buf.lastIndexOf('\n--- ');
  if (marker < 0) return false;
  const given = Buffer.from(buf.subarray(marker + 5).toString('latin1').trim(), 'base64');
  const macKey = Buffer.from(hkdfSync('sha256', fileKey, Buffer.alloc(0), 'header', 32));
  const mac = createHmac('sha256', macKey).update(buf.subarray(0, marker + 4)).digest();
  return given.length === mac.length && timingSafeEqual(given, mac);
}
