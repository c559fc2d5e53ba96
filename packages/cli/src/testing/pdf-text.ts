import { inflateSync } from 'node:zlib';

/**
 * The text of a PDF written by our report writer, read as a viewer's search or copy reads it:
 * every FlateDecode stream inflated, the ToUnicode map's `bfchar` pairs applied to the glyph ids
 * of each `<hex> Tj`. One line per text-showing operator.
 */
export function pdfText(pdf: Buffer): string {
  const streams: string[] = [];
  const raw = pdf.toString('latin1');
  const re = /\/FlateDecode \/Length (\d+) >>\nstream\n/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const start = m.index + m[0].length;
    streams.push(inflateSync(pdf.subarray(start, start + Number(m[1]))).toString('latin1'));
  }
  const unicode = new Map<string, string>();
  for (const s of streams.filter((x) => x.includes('beginbfchar'))) {
    for (const p of s.matchAll(/<([0-9a-f]{4})> <([0-9a-f]{4})>/g)) unicode.set(p[1]!, String.fromCodePoint(parseInt(p[2]!, 16)));
  }
  const lines: string[] = [];
  for (const s of streams) {
    for (const t of s.matchAll(/<([0-9a-f]*)> Tj/g)) {
      lines.push((t[1]!.match(/.{4}/g) ?? []).map((g) => unicode.get(g) ?? '\ufffd').join(''));
    }
  }
  return lines.join('\n');
}
