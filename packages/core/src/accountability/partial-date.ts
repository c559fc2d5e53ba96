import { invalid } from '../errors.js';
import type { PartialDate } from './accountability.types.js';

const PATTERN = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/**
 * Checks a date of the precision the sources give: "2021", "2021-03" or "2021-03-14" (a real day).
 *
 * @example checkPartialDate('2021-02', 'on') // => '2021-02'
 */
export function checkPartialDate(value: PartialDate, where: string): PartialDate {
  if (value === null) return null;
  const m = PATTERN.exec(value);
  if (!m) throw invalid(`"${value}" is not a date as YYYY, YYYY-MM or YYYY-MM-DD`, { where });
  const [, y, mo, d] = m;
  if (mo !== undefined && (Number(mo) < 1 || Number(mo) > 12)) throw invalid(`"${value}" has no month ${mo}`, { where });
  if (d !== undefined) {
    const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
    if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) throw invalid(`"${value}" is not a day of the calendar`, { where });
  }
  return value;
}

/**
 * Timeline order: earlier dates first ("2021" before "2021-03"), unknown dates last; ties keep
 * the order the events were recorded in.
 */
export function compareTimeline(a: { on: PartialDate; id: number }, b: { on: PartialDate; id: number }): number {
  if (a.on !== b.on) {
    if (a.on === null) return 1;
    if (b.on === null) return -1;
    return a.on < b.on ? -1 : 1;
  }
  return a.id - b.id;
}

/** A partial date as a full day, for a position's `from` (first day) or `to` (last day). */
export function partialToDay(value: string, edge: 'start' | 'end'): string {
  const m = PATTERN.exec(value)!;
  const [, y, mo, d] = m;
  if (d !== undefined) return value;
  if (mo !== undefined) {
    if (edge === 'start') return `${y}-${mo}-01`;
    const last = new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate();
    return `${y}-${mo}-${String(last).padStart(2, '0')}`;
  }
  return edge === 'start' ? `${y}-01-01` : `${y}-12-31`;
}
