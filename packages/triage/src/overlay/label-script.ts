// Camera labels mix alphabets («CAM 3  КАМЕРА 3»), and in a DVR's sans-serif font many Latin and
// Cyrillic capitals are the same picture (A/А, C/С, E/Е, K/К, M/М, O/О, P/Р, T/Т, X/Х, H/Н, B/В).
// The English model reads every word in Latin, the Russian one in Cyrillic; which is right is
// decided per word: by letters only one alphabet has, else by a small DVR vocabulary, else by the
// neighbouring words' alphabet, else Latin.
import type { OcrLine, OcrWord } from './tesseract.engine.js';

const ONLY_CYRILLIC = /[БГДЖЗИЙЛПФЦЧШЩЪЫЬЭЮЯбгджзийлпфцчшщъыьэюяё]/u;
const ONLY_LATIN = /[DFGIJLNQRSUVWYZdfgijlnqrsuvwz]/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;

/** Words DVRs write in each alphabet whose letters alone cannot tell (upper case). */
const LATIN_WORDS = new Set(['CAM', 'CAMERA', 'CH', 'HOME', 'MEETING', 'ROOM', 'EXIT', 'ENTRANCE', 'HALL', 'GATE', 'TOP', 'BACK', 'MAIN']);
const CYRILLIC_WORDS = new Set(['КАМЕРА', 'КАМ', 'ВХОД', 'ВЫХОД', 'КОРИДОР', 'ПОСТ', 'КПП', 'КАБИНЕТ', 'ЭТАЖ', 'КАМЕРЫ', 'СЕКТОР', 'МЕСТО', 'ТЕРРИТОРИЯ', 'СКЛАД']);

type Script = 'latin' | 'cyrillic' | 'none';

function overlap(a: OcrWord['bbox'], b: OcrWord['bbox']): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  return w > 0 ? w / Math.max(1, Math.min(a.x1 - a.x0, b.x1 - b.x0)) : 0;
}

function hasLetters(s: string): boolean {
  return /\p{L}/u.test(s);
}

/**
 * One label from the English and (when available) Russian readings of the same line image.
 *
 * @example resolveLabelScript(engRead("CAM 3 KAMEPA 3"), rusRead("САМ 3 КАМЕРА 3")) === 'CAM 3 КАМЕРА 3'
 */
export function resolveLabelScript(eng: OcrLine, rus: OcrLine | null): { text: string; confidence: number } {
  if (!rus || rus.words.length === 0) return { text: eng.text.trim(), confidence: eng.confidence };
  // Align by position: each Russian-model word with the English-model word under it.
  const pairs = rus.words.map((r) => {
    let best: OcrWord | null = null;
    let bestO = 0;
    for (const e of eng.words) {
      const o = overlap(r.bbox, e.bbox);
      if (o > bestO) [best, bestO] = [e, o];
    }
    return { rus: r, eng: bestO >= 0.5 ? best : null };
  });
  const decided: Script[] = pairs.map(({ rus: r, eng: e }) => {
    if (!hasLetters(r.text) && (!e || !hasLetters(e.text))) return 'none';
    const up = r.text.toUpperCase();
    // The Russian model also misreads Latin words into Cyrillic-only letters (TE → ГЕ): it wins
    // on such letters only when it is about as sure as the English model.
    if (ONLY_CYRILLIC.test(r.text) && (!e || r.confidence >= e.confidence - 10)) return 'cyrillic';
    if (e && ONLY_LATIN.test(e.text)) return 'latin';
    if (ONLY_CYRILLIC.test(r.text)) return e && e.confidence > r.confidence ? 'latin' : 'cyrillic';
    if (CYRILLIC_WORDS.has(up)) return 'cyrillic';
    if (e && LATIN_WORDS.has(e.text.toUpperCase())) return 'latin';
    // Neither model found letters of its own: the more confident reading wins if clearly so.
    if (e && e.confidence > r.confidence + 15) return 'latin';
    if (!e || r.confidence > e.confidence + 15) return 'cyrillic';
    return 'none';
  });
  // Undecided words follow their nearest decided neighbour (a label is usually one alphabet per part).
  const resolved = decided.map((s, i) => {
    if (s !== 'none') return s;
    for (let k = 1; k < decided.length; k += 1) {
      const left = decided[i - k];
      const right = decided[i + k];
      if (left && left !== 'none') return left;
      if (right && right !== 'none') return right;
    }
    return 'latin';
  });
  const words = pairs.map(({ rus: r, eng: e }, i) => {
    if (!hasLetters(r.text) && (!e || !hasLetters(e.text))) return (e && e.confidence > r.confidence ? e : r).text;
    return resolved[i] === 'cyrillic' || !e ? r.text : e.text;
  });
  const confidences = pairs.map(({ rus: r, eng: e }, i) => (resolved[i] === 'cyrillic' || !e ? r.confidence : e.confidence));
  return { text: words.join(' ').trim(), confidence: confidences.reduce((a, b) => a + b, 0) / Math.max(1, confidences.length) };
}

/** Whether a label reading has Cyrillic letters. */
export function hasCyrillic(s: string): boolean {
  return CYRILLIC.test(s);
}
