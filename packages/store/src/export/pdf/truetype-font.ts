// Just enough of a TrueType font to set text with it in a PDF: the character → glyph map
// (cmap formats 4 and 12), advance widths, and the metrics the PDF font descriptor needs.

export class TrueTypeFont {
  readonly unitsPerEm: number;
  readonly bbox: [number, number, number, number];
  readonly ascent: number;
  readonly descent: number;
  readonly #advances: number[];
  readonly #cmap = new Map<number, number>();

  /**
   * Parses the font file's bytes.
   *
   * @example
   * const font = new TrueTypeFont(readFileSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'));
   * font.glyph('Ж'.codePointAt(0)!) // => a glyph id > 0
   */
  constructor(readonly bytes: Buffer) {
    const tables = new Map<string, { offset: number; length: number }>();
    const n = bytes.readUInt16BE(4);
    for (let i = 0; i < n; i++) {
      const at = 12 + i * 16;
      tables.set(bytes.toString('latin1', at, at + 4), { offset: bytes.readUInt32BE(at + 8), length: bytes.readUInt32BE(at + 12) });
    }
    const table = (tag: string) => {
      const t = tables.get(tag);
      if (!t) throw new Error(`font has no ${tag} table`);
      return t.offset;
    };
    const head = table('head');
    this.unitsPerEm = bytes.readUInt16BE(head + 18);
    this.bbox = [bytes.readInt16BE(head + 36), bytes.readInt16BE(head + 38), bytes.readInt16BE(head + 40), bytes.readInt16BE(head + 42)];
    const hhea = table('hhea');
    this.ascent = bytes.readInt16BE(hhea + 4);
    this.descent = bytes.readInt16BE(hhea + 6);
    const metrics = bytes.readUInt16BE(hhea + 34);
    const hmtx = table('hmtx');
    this.#advances = [];
    for (let i = 0; i < metrics; i++) this.#advances.push(bytes.readUInt16BE(hmtx + i * 4));
    this.#readCmap(table('cmap'));
  }

  #readCmap(cmap: number): void {
    const b = this.bytes;
    const count = b.readUInt16BE(cmap + 2);
    let f4 = -1;
    let f12 = -1;
    for (let i = 0; i < count; i++) {
      const platform = b.readUInt16BE(cmap + 4 + i * 8);
      const encoding = b.readUInt16BE(cmap + 6 + i * 8);
      const sub = cmap + b.readUInt32BE(cmap + 8 + i * 8);
      const format = b.readUInt16BE(sub);
      const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
      if (unicode && format === 12) f12 = sub;
      if (unicode && format === 4) f4 = sub;
    }
    if (f12 >= 0) {
      const groups = b.readUInt32BE(f12 + 12);
      for (let g = 0; g < groups; g++) {
        const at = f12 + 16 + g * 12;
        const start = b.readUInt32BE(at);
        const end = b.readUInt32BE(at + 4);
        const glyph = b.readUInt32BE(at + 8);
        for (let c = start; c <= end && c - start < 0x10000; c++) this.#cmap.set(c, glyph + (c - start));
      }
      return;
    }
    if (f4 < 0) throw new Error('font has no Unicode cmap');
    const segs = b.readUInt16BE(f4 + 6) / 2;
    const ends = f4 + 14;
    const starts = ends + segs * 2 + 2;
    const deltas = starts + segs * 2;
    const ranges = deltas + segs * 2;
    for (let s = 0; s < segs; s++) {
      const end = b.readUInt16BE(ends + s * 2);
      const start = b.readUInt16BE(starts + s * 2);
      const delta = b.readInt16BE(deltas + s * 2);
      const rangeOffset = b.readUInt16BE(ranges + s * 2);
      for (let c = start; c <= end && c !== 0xffff; c++) {
        let glyph: number;
        if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
        else {
          const g = b.readUInt16BE(ranges + s * 2 + rangeOffset + (c - start) * 2);
          glyph = g === 0 ? 0 : (g + delta) & 0xffff;
        }
        if (glyph !== 0) this.#cmap.set(c, glyph);
      }
    }
  }

  /** Glyph id of a Unicode code point; 0 (the "missing" glyph) if the font has none. */
  glyph(codePoint: number): number {
    return this.#cmap.get(codePoint) ?? 0;
  }

  /** Advance width of a glyph in font units. */
  advance(glyph: number): number {
    return this.#advances[Math.min(glyph, this.#advances.length - 1)] ?? 0;
  }

  /** Width of `text` at `size` points. */
  width(text: string, size: number): number {
    let w = 0;
    for (const ch of text) w += this.advance(this.glyph(ch.codePointAt(0)!));
    return (w * size) / this.unitsPerEm;
  }
}
