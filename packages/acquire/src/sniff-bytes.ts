// Bounds-safe byte access for format sniffing: the head of a hostile file may be any length, and
// every out-of-range read must simply fail to match rather than throw.

export class Bytes {
  readonly b: Buffer;
  constructor(head: Uint8Array) {
    this.b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  }
  get length(): number {
    return this.b.length;
  }
  /** Byte at i, or -1 past the end. */
  at(i: number): number {
    return i >= 0 && i < this.b.length ? (this.b[i] as number) : -1;
  }
  u16be(i: number): number {
    return i >= 0 && i + 2 <= this.b.length ? this.b.readUInt16BE(i) : -1;
  }
  u32be(i: number): number {
    return i >= 0 && i + 4 <= this.b.length ? this.b.readUInt32BE(i) : -1;
  }
  u32le(i: number): number {
    return i >= 0 && i + 4 <= this.b.length ? this.b.readUInt32LE(i) : -1;
  }
  u16le(i: number): number {
    return i >= 0 && i + 2 <= this.b.length ? this.b.readUInt16LE(i) : -1;
  }
  /** Latin-1 text of [i, i+n), shorter if the head ends first. */
  ascii(i: number, n: number): string {
    if (i < 0 || i >= this.b.length) return '';
    return this.b.toString('latin1', i, Math.min(this.b.length, i + n));
  }
  startsWith(i: number, bytes: readonly number[]): boolean {
    if (i < 0 || i + bytes.length > this.b.length) return false;
    for (let k = 0; k < bytes.length; k++) if (this.b[i + k] !== bytes[k]) return false;
    return true;
  }
  includes(text: string, from = 0, to = this.b.length): boolean {
    return this.b.subarray(from, Math.min(to, this.b.length)).includes(text, 0, 'latin1');
  }
}

export function extensionOf(name: string | undefined): string {
  if (!name) return '';
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}
