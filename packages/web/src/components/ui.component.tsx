// Small shared pieces: error notes, loading lines, status pills, page headers.
import type { ReactNode } from 'react';
import { ApiError } from '../api.js';
import { useT } from '../i18n/i18n.js';

export function ErrorNote({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  if (!error) return null;
  const msg = error instanceof ApiError ? `${error.message}${error.where ? ` (${error.where})` : ''}` : error instanceof Error ? error.message : String(error);
  return (
    <div className="note note-error" role="alert">
      {t('app.error', { message: msg })}
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}

export function Loading() {
  const t = useT();
  return (
    <p className="muted" aria-busy="true">
      {t('app.loading')}
    </p>
  );
}

export function PageHeader({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {children && <div className="page-actions">{children}</div>}
    </header>
  );
}

export function Pill({ tone, children }: { tone?: 'ok' | 'warn' | 'bad' | 'info' | 'quiet'; children: ReactNode }) {
  return <span className={`pill pill-${tone ?? 'quiet'}`}>{children}</span>;
}

export const statusTone = (s: string | null | undefined): 'ok' | 'warn' | 'bad' | 'info' | 'quiet' =>
  s === 'verified' || s === 'ready' || s === 'processed' || s === 'done' || s === 'included'
    ? 'ok'
    : s === 'disputed' || s === 'failed' || s === 'corrupt'
      ? 'bad'
      : s === 'in-review' || s === 'pending' || s === 'processing'
        ? 'info'
        : 'quiet';

/** Checks a set of chips; used for taxonomy terms and persons. */
export function ChipSelect<T extends { id: string | number }>({
  options,
  value,
  onChange,
  label,
  render,
  disabled,
}: {
  options: T[];
  value: (string | number)[];
  onChange: (v: (string | number)[]) => void;
  label: string;
  render: (o: T) => ReactNode;
  disabled?: boolean;
}) {
  return (
    <fieldset className="chips" disabled={disabled}>
      <legend>{label}</legend>
      {options.map((o) => {
        const on = value.includes(o.id);
        return (
          <label key={o.id} className={`chip ${on ? 'is-on' : ''}`}>
            <input type="checkbox" checked={on} onChange={() => onChange(on ? value.filter((v) => v !== o.id) : [...value, o.id])} />
            {render(o)}
          </label>
        );
      })}
    </fieldset>
  );
}
