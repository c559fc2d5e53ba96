// Reading a DVR's burned-in date and time from OCR text. DVRs differ in order (year first, day
// first, US month first), separators, 12/24 h and weekday words; OCR adds its own confusions
// (O for 0, l for 1, S for 5, B for 8). Confusions are repaired only inside the digit fields the
// pattern expects, so letters elsewhere (a camera name, a weekday) are never turned into digits.
//
// The overlay shows the DVR's wall clock, whose time zone the picture does not say: times are
// returned as if that wall clock were UTC ("naive"), and compared as such.

export type DateOrder = 'ymd' | 'dmy' | 'mdy';

export interface OverlayTime {
  /** Wall-clock time as milliseconds since the epoch, the wall clock read as UTC. */
  epochMs: number;
  /** The matched text, digits repaired, e.g. "2024-03-15 14:21:52". */
  matched: string;
  order: DateOrder;
  /** Characters changed by the confusion repair. */
  repaired: number;
}

/** Characters OCR confuses with digits, and the digit they stand for. */
const CONFUSABLE: Record<string, string> = {
  O: '0', o: '0', Q: '0', D: '0', U: '0', 'О': '0', 'о': '0',
  l: '1', I: '1', i: '1', '|': '1', '!': '1', L: '1', 'І': '1',
  S: '5', s: '5', B: '8', 'В': '8', Z: '2', z: '2', G: '6', b: '6', g: '9', q: '9', T: '7', A: '4', 'З': '3',
};
const DIGITISH = `[0-9${Object.keys(CONFUSABLE).join('').replace(/[|!\]\\^-]/g, (c) => `\\${c}`)}]`;
const d = (n: string): string => `(${DIGITISH}{${n}})`;
const DATE_SEP = '\\s*[-./\\u2010-\\u2015~_,]\\s*';
const TIME_SEP = '\\s*[:;.,\'"]?\\s*';

// Weekdays, English and Russian, full and abbreviated (any case); removed before matching.
const WEEKDAYS = [
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun',
  'понедельник', 'вторник', 'среда', 'четверг', 'пятница', 'суббота', 'воскресенье',
  'пн', 'вт', 'ср', 'чт', 'пт', 'сб', 'вс',
];
const WEEKDAY_RE = new RegExp(`(^|[^\\p{L}])(${WEEKDAYS.join('|')})\\.?(?=$|[^\\p{L}])`, 'giu');

// OCR drops a thin separator now and then ("2023/0419"): with two-digit fields one of the two
// separators may be missing.
const DATE_PATTERNS: { re: RegExp; order: DateOrder }[] = [
  { re: new RegExp(`${d('4')}${DATE_SEP}${d('1,2')}${DATE_SEP}${d('1,2')}`), order: 'ymd' },
  { re: new RegExp(`${d('1,2')}${DATE_SEP}${d('1,2')}${DATE_SEP}${d('4')}`), order: 'dmy' },
  { re: new RegExp(`${d('4')}${DATE_SEP}${d('2')}${d('2')}(?!\\d)`), order: 'ymd' },
  { re: new RegExp(`${d('4')}${d('2')}${DATE_SEP}${d('2')}(?!\\d)`), order: 'ymd' },
  { re: new RegExp(`(?<!\\d)${d('2')}${DATE_SEP}${d('2')}${d('4')}`), order: 'dmy' },
  { re: new RegExp(`(?<!\\d)${d('2')}${d('2')}${DATE_SEP}${d('4')}`), order: 'dmy' },
];
// Seconds are required: a clock read without them would place the start up to a minute off.
const TIME_RE = new RegExp(`${d('1,2')}${TIME_SEP.replace('?', '')}${d('2')}${TIME_SEP.replace('?', '')}${d('2')}(?:\\s*([AaPpАаРр])\\.?\\s*[MmМм]\\.?)?`);

function digits(s: string): { value: number; text: string; repaired: number } {
  let repaired = 0;
  let text = '';
  for (const ch of s) {
    if (ch >= '0' && ch <= '9') text += ch;
    else {
      text += CONFUSABLE[ch] ?? ch;
      repaired += 1;
    }
  }
  return { value: Number.parseInt(text, 10), text, repaired };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * Finds the first plausible date and time in OCR text.
 *
 * @example parseOverlayTime('ПТ 15.03.2024 14:21:52')?.matched === '2024-03-15 14:21:52'
 * @example parseOverlayTime('03/15/2024 02:21:52 PM')?.matched === '2024-03-15 14:21:52'
 */
export function parseOverlayTime(raw: string): OverlayTime | null {
  const text = raw.replace(WEEKDAY_RE, '$1 ').replace(/[\u00a0\s]+/g, ' ').trim();
  for (const { re, order: baseOrder } of DATE_PATTERNS) {
    const global = new RegExp(re.source, 'g');
    for (let m = global.exec(text); m; m = global.exec(text)) {
      const [a, b, c] = [digits(m[1]!), digits(m[2]!), digits(m[3]!)];
      let order = baseOrder;
      let year: number;
      let month: number;
      let day: number;
      if (order === 'ymd') [year, month, day] = [a.value, b.value, c.value];
      else {
        year = c.value;
        // Slashes with the year last are the US order, unless the first field cannot be a month.
        const slash = /\//.test(m[0]) && !/[.-]/.test(m[0]);
        if (slash && a.value <= 12 && b.value <= 31) [order, month, day] = ['mdy', a.value, b.value];
        else [month, day] = [b.value, a.value];
      }
      const rest = text.slice(m.index + m[0].length);
      const before = text.slice(0, m.index);
      const t = TIME_RE.exec(rest) ?? TIME_RE.exec(before);
      if (!t) continue;
      const [h, mi] = [digits(t[1]!), digits(t[2]!)];
      const s = digits(t[3]!);
      let hour = h.value;
      const ampm = t[4]?.toLowerCase();
      if (ampm) {
        if (hour < 1 || hour > 12) continue;
        const pm = ampm === 'p' || ampm === 'р';
        hour = (hour % 12) + (pm ? 12 : 0);
      }
      if (!(year >= 1990 && year <= 2100 && month >= 1 && month <= 12 && day >= 1 && day <= 31)) continue;
      if (!(hour >= 0 && hour <= 23 && mi.value <= 59 && s.value <= 59)) continue;
      const epochMs = Date.UTC(year, month - 1, day, hour, mi.value, s.value);
      const check = new Date(epochMs);
      if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) continue; // 31 February
      return {
        epochMs,
        matched: `${pad(year, 4)}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(mi.value)}:${pad(s.value)}`,
        order,
        repaired: a.repaired + b.repaired + c.repaired + h.repaired + mi.repaired + s.repaired,
      };
    }
  }
  return null;
}

/** The text with every date/time match and weekday word removed (what is left may be a camera name). */
export function withoutOverlayTime(raw: string): string {
  let text = raw.replace(WEEKDAY_RE, '$1 ');
  for (const { re } of DATE_PATTERNS) text = text.replace(new RegExp(re.source, 'g'), ' ');
  text = text.replace(new RegExp(TIME_RE.source, 'g'), ' ');
  return text.replace(/\s+/g, ' ').trim();
}
