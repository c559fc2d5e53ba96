// A small PDF 1.7 writer for text reports: A4 pages, one embedded TrueType font (DejaVu Sans
// covers Latin and Cyrillic paths) as a Type0/CIDFontType2 font with Identity-H encoding, and a
// ToUnicode map so text can be searched and copied. Word wrapping, page breaks, page numbers.

import { deflateSync } from 'node:zlib';
import type { TrueTypeFont } from './truetype-font.js';

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 50;

export interface TextStyle {
  size?: number;
  /** Grey level 0 (black) … 1 (white). */
  grey?: number;
  indent?: number;
  /** Extra space before the block, in points. */
  before?: number;
}

export class PdfDocument {
  readonly #pages: string[][] = [];
  #y = 0;
  readonly #used = new Set<number>();

  constructor(
    private readonly font: TrueTypeFont,
    private readonly footer: string,
  ) {
    this.#newPage();
  }

  #newPage(): void {
    this.#pages.push([]);
    this.#y = A4.height - MARGIN;
  }

  #encode(text: string): string {
    let hex = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      const g = cp < 0x20 ? this.font.glyph(0x20) : this.font.glyph(cp);
      this.#used.add(g);
      hex += g.toString(16).padStart(4, '0');
    }
    return hex;
  }

  #draw(x: number, y: number, size: number, text: string, grey = 0, page = this.#pages[this.#pages.length - 1]!): void {
    page.push(`BT ${grey.toFixed(2)} g /F1 ${size} Tf ${x.toFixed(2)} ${y.toFixed(2)} Td <${this.#encode(text)}> Tj ET`);
  }

  /** Breaks text into lines no wider than `width`; words longer than a line (hashes) are cut. */
  #wrap(text: string, size: number, width: number): string[] {
    const lines: string[] = [];
    for (const para of text.split('\n')) {
      let line = '';
      for (const word of para.split(/(?<= )/)) {
        if (this.font.width(line + word, size) <= width) {
          line += word;
          continue;
        }
        if (line) lines.push(line.trimEnd());
        line = '';
        let rest = word;
        while (this.font.width(rest, size) > width) {
          let n = rest.length;
          while (n > 1 && this.font.width(rest.slice(0, n), size) > width) n--;
          lines.push(rest.slice(0, n));
          rest = rest.slice(n);
        }
        line = rest;
      }
      lines.push(line.trimEnd());
    }
    return lines;
  }

  /**
   * Adds wrapped text, starting a new page when the current one is full.
   *
   * @example
   * doc.text('Evidence list', { size: 14, before: 12 });
   * doc.text('КАМЕРА 3.h264  sha256 9f86d0…', { size: 9, indent: 12 });
   */
  text(text: string, style: TextStyle = {}): void {
    const size = style.size ?? 10;
    const indent = style.indent ?? 0;
    const leading = size * 1.3;
    this.#y -= style.before ?? 0;
    for (const line of this.#wrap(text, size, A4.width - 2 * MARGIN - indent)) {
      if (this.#y - leading < MARGIN + 20) this.#newPage();
      this.#y -= leading;
      this.#draw(MARGIN + indent, this.#y, size, line, style.grey ?? 0);
    }
  }

  /** A thin rule across the page. */
  rule(): void {
    if (this.#y - 8 < MARGIN + 20) this.#newPage();
    this.#y -= 6;
    this.#pages[this.#pages.length - 1]!.push(`0.7 G 0.5 w ${MARGIN} ${this.#y.toFixed(2)} m ${A4.width - MARGIN} ${this.#y.toFixed(2)} l S`);
    this.#y -= 2;
  }

  /** The finished PDF file. */
  toBuffer(): Buffer {
    const total = this.#pages.length;
    this.#pages.forEach((page, i) => this.#draw(MARGIN, MARGIN - 10, 8, `${this.footer} — page ${i + 1} of ${total}`, 0.4, page));
    const objects: Buffer[] = [];
    const add = (body: string | Buffer): number => {
      objects.push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
      return objects.length;
    };
    const stream = (dict: string, data: Buffer): Buffer => {
      const z = deflateSync(data);
      return Buffer.concat([Buffer.from(`<< ${dict} /Filter /FlateDecode /Length ${z.length} >>\nstream\n`, 'latin1'), z, Buffer.from('\nendstream', 'latin1')]);
    };
    const f = this.font;
    const scale = (v: number) => Math.round((v * 1000) / f.unitsPerEm);
    const glyphs = [...this.#used].sort((a, b) => a - b);

    const catalog = add('<< /Type /Catalog /Pages 2 0 R >>');
    add('PAGES'); // placeholder for the page tree, filled in below
    const fontFile = add(stream(`/Length1 ${f.bytes.length}`, f.bytes));
    const descriptor = add(
      `<< /Type /FontDescriptor /FontName /DejaVuSans /Flags 32 /FontBBox [${f.bbox.map(scale).join(' ')}] /ItalicAngle 0 ` +
        `/Ascent ${scale(f.ascent)} /Descent ${scale(f.descent)} /CapHeight ${scale(f.ascent)} /StemV 80 /FontFile2 ${fontFile} 0 R >>`,
    );
    const widths = glyphs.map((g) => `${g} [${scale(f.advance(g))}]`).join(' ');
    const cidFont = add(
      `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /DejaVuSans /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> ` +
        `/FontDescriptor ${descriptor} 0 R /W [${widths}] /CIDToGIDMap /Identity >>`,
    );
    const toUnicode = add(stream('', Buffer.from(this.#toUnicode(glyphs), 'latin1')));
    const font = add(
      `<< /Type /Font /Subtype /Type0 /BaseFont /DejaVuSans /Encoding /Identity-H /DescendantFonts [${cidFont} 0 R] /ToUnicode ${toUnicode} 0 R >>`,
    );
    const kids: number[] = [];
    for (const page of this.#pages) {
      const content = add(stream('', Buffer.from(page.join('\n'), 'latin1')));
      kids.push(
        add(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${A4.width} ${A4.height}] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`),
      );
    }
    objects[1] = Buffer.from(`<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`, 'latin1');

    const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
    let offset = parts[0]!.length;
    const offsets: number[] = [];
    objects.forEach((body, i) => {
      offsets.push(offset);
      const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
      parts.push(chunk);
      offset += chunk.length;
    });
    const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
    parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
    return Buffer.concat(parts);
  }

  #toUnicode(glyphs: number[]): string {
    const unicodeOf = new Map<number, number>();
    for (let cp = 0x20; cp < 0x3000; cp++) {
      const g = this.font.glyph(cp);
      if (g && !unicodeOf.has(g)) unicodeOf.set(g, cp);
    }
    const pairs = glyphs.filter((g) => unicodeOf.has(g)).map((g) => `<${g.toString(16).padStart(4, '0')}> <${unicodeOf.get(g)!.toString(16).padStart(4, '0')}>`);
    const blocks: string[] = [];
    for (let i = 0; i < pairs.length; i += 100) blocks.push(`${Math.min(100, pairs.length - i)} beginbfchar\n${pairs.slice(i, i + 100).join('\n')}\nendbfchar`);
    return `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
${blocks.join('\n')}
endcmap
CMapName currentdict /CMapResource defineresource pop
end
end`;
  }
}
