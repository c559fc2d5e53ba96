// Message catalogues and Intl formatting. The locale comes from the user's settings once signed in,
// from the browser before that; switching is instant and saved with PATCH /api/me/settings.
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { en, type MessageKey } from './en.js';
import { ru } from './ru.js';

export type Locale = 'en' | 'ru';
export const LOCALES: { id: Locale; label: string }[] = [
  { id: 'en', label: 'English' },
  { id: 'ru', label: 'Русский' },
];
const catalogues: Record<Locale, Record<MessageKey, string>> = { en, ru };

export interface I18n {
  locale: Locale;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  /** A value the server sends (kind, status, review state), translated when the catalogue knows it. */
  value: (v: string) => string;
  num: (n: number) => string;
  bytes: (n: number) => string;
  date: (iso: string | null | undefined) => string;
  duration: (sec: number | null | undefined) => string;
  setLocale: (l: Locale) => void;
}

export function browserLocale(): Locale {
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export function makeI18n(locale: Locale, setLocale: (l: Locale) => void): I18n {
  const cat = catalogues[locale];
  const nf = new Intl.NumberFormat(locale);
  const df = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  return {
    locale,
    setLocale,
    t: (key, params) => {
      let s: string = cat[key] ?? en[key] ?? key;
      if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, typeof v === 'number' ? nf.format(v) : v);
      return s;
    },
    num: (n) => nf.format(n),
    value: (v) => {
      const key = `value.${v}`;
      return key in en ? (cat[key as MessageKey] ?? v) : v;
    },
    bytes: (n) => {
      let i = 0;
      let v = n;
      while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return new Intl.NumberFormat(locale, { maximumFractionDigits: i === 0 ? 0 : 1 }).format(v) + '\u00a0' + units[i];
    },
    date: (iso) => {
      if (!iso) return '—';
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : df.format(d);
    },
    duration: (sec) => formatClock(sec),
  };
}

/** h:mm:ss.cc for the player and annotations; independent of locale on purpose (timecodes). */
export function formatClock(sec: number | null | undefined, fraction = false): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return '—';
  const s = Math.max(0, sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const ss = fraction ? r.toFixed(2).padStart(5, '0') : String(Math.floor(r)).padStart(2, '0');
  return (h ? `${h}:${String(m).padStart(2, '0')}` : String(m)) + ':' + ss;
}

const Ctx = createContext<I18n | null>(null);
export function I18nProvider({ value, children }: { value: I18n; children: ReactNode }) {
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}
export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
export function useT() {
  return useI18n().t;
}
export { useMemo };
export type { MessageKey };
