// Guessing between the two legacy Cyrillic code pages that DVR software, Russian-locale Windows
// and old archivers actually produce: cp866 (DOS/OEM, what Windows zip tools write into archives)
// and cp1251 (ANSI, what Windows applications write onto FAT/NTFS volumes and into text files).
import iconv from 'iconv-lite';

export type LegacyCyrillic = 'cp866' | 'cp1251';

export interface CyrillicScore {
  /** Higher is more plausible. Only comparable between decodings of the same bytes. */
  score: number;
  /** Russian letters А-я, Ё, ё. */
  letters: number;
  /** Characters that never appear in real names or text: controls, U+FFFD, box drawing. */
  bad: number;
}

export interface CyrillicGuess extends CyrillicScore {
  encoding: LegacyCyrillic;
  text: string;
}

// Letter frequencies in Russian text, per 1000 letters. Used as a tie-breaker: the cp866 lowercase
// range р-я (E0-EF) and the cp1251 lowercase range а-п (E0-EF) share bytes, so a name made only of
// those letters is valid Russian in both code pages and only letter statistics can tell them apart.
const FREQ: Record<string, number> = {
  о: 109.7, е: 84.5, а: 80.1, и: 73.5, н: 67.0, т: 62.6, с: 54.7, р: 47.3, в: 45.4, л: 44.0,
  к: 34.9, м: 32.1, д: 29.8, п: 28.1, у: 26.2, я: 20.1, ы: 19.0, ь: 17.4, г: 17.0, з: 16.5,
  б: 15.9, ч: 14.4, й: 12.1, х: 9.7, ж: 9.4, ш: 7.3, ю: 6.4, ц: 4.8, щ: 3.6, э: 3.2, ф: 2.6,
  ъ: 0.4, ё: 0.4,
};

// Punctuation that both code pages carry and that real Russian names and documents use.
const NEUTRAL = new Set(['№', '«', '»', '—', '–', '‘', '’', '“', '”', '„', '…', '\u00a0', '°', '·', '•']);
// Cyrillic letters of other languages: plausible, but less so than Russian for this material.
const OTHER_CYRILLIC = /[ІіЇїЄєҐґЎўЈјЅѕЉљЊњЋћЌќЏџЂђЃѓ]/;
const RUSSIAN = /[А-яЁё]/;
const LATIN = /[A-Za-z]/;

function letterScore(ch: string): number {
  const f = FREQ[ch.toLowerCase()] ?? 1;
  return 1 + Math.log10(f + 1);
}

export function scoreCyrillic(text: string): CyrillicScore {
  let score = 0;
  let letters = 0;
  let bad = 0;
  let prev = '';
  let prevIsLower = false;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    // Tabs and line breaks are neutral so that the same scoring works for text files.
    if ((cp < 0x80 && cp >= 0x20 && cp !== 0x7f) || cp === 0x09 || cp === 0x0a || cp === 0x0d) {
      // A Cyrillic letter glued to a Latin one ("Mдrz", "Ьberwachung") is the signature of Latin-1
      // or cp437 text misread as Cyrillic; real names put a separator or digit between scripts.
      if (LATIN.test(ch) && RUSSIAN.test(prev)) score -= 3;
      prev = ch;
      prevIsLower = false;
      continue;
    }
    if (RUSSIAN.test(ch)) {
      letters++;
      score += letterScore(ch);
      if (LATIN.test(prev)) score -= 3;
      // "аБв": an uppercase letter right after a lowercase one rarely happens in real words.
      const isLower = ch === ch.toLowerCase();
      if (!isLower && prevIsLower && RUSSIAN.test(prev)) score -= 1.5;
      prevIsLower = isLower;
    } else if (NEUTRAL.has(ch)) {
      prevIsLower = false;
    } else if (OTHER_CYRILLIC.test(ch)) {
      score -= 1;
      prevIsLower = false;
    } else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0xfffd || (cp >= 0x2500 && cp <= 0x259f)) {
      // Controls, undefined bytes and box-drawing/block characters (cp866 B0-DF).
      bad++;
      score -= 6;
      prevIsLower = false;
    } else {
      score -= 2;
      prevIsLower = false;
    }
    prev = ch;
  }
  return { score, letters, bad };
}

/**
 * Decodes non-UTF-8 bytes as cp866 and as cp1251 and returns the more plausible Russian reading,
 * or undefined when neither reading looks like Russian at all (then the bytes are in some other
 * encoding and any guess would put invented letters into an evidence record).
 */
export function guessCyrillic(bytes: Uint8Array): CyrillicGuess | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const candidates: CyrillicGuess[] = (['cp866', 'cp1251'] as const).map((encoding) => {
    const text = iconv.decode(buf, encoding);
    return { encoding, text, ...scoreCyrillic(text) };
  });
  candidates.sort((a, b) => b.score - a.score || a.bad - b.bad);
  const best = candidates[0];
  if (!best || best.letters === 0 || best.score <= 0) return undefined;
  // Allow the odd stray symbol in long text, never in short names.
  if (best.bad > 0 && best.bad * 50 > best.letters) return undefined;
  return best;
}
