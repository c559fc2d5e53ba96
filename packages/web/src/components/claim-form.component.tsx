// The form that adds a claim (a source's exact words, with a confidence): to a proceeding's event,
// or to an official's position (whose select comes first, as `children`).
import { useState, type ReactNode } from 'react';
import type { Confidence, Source } from '../api-types.js';
import { useI18n } from '../i18n/i18n.js';
import { ErrorNote } from './ui.component.js';

export interface ClaimFields {
  sourceId: number;
  quote: string;
  confidence: Confidence;
}

export function ClaimForm({ label, sources, submit, onDone, children }: {
  /** The form's accessible name. */
  label: string;
  sources: Source[];
  /** Saves the claim; the quote is cleared and `onDone` called when it resolves. */
  submit: (f: ClaimFields) => Promise<unknown>;
  onDone: () => void;
  /** Fields before the source. */
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const [f, setF] = useState<ClaimFields>({ sourceId: sources[0]!.id, quote: '', confidence: 'medium' });
  const [error, setError] = useState<unknown>(null);
  return (
    <form
      className="inline-form small"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        submit(f).then(() => (setF({ ...f, quote: '' }), onDone()), setError);
      }}
    >
      {children}
      <label>
        {t('acc.claim.source')}
        <select value={String(f.sourceId)} onChange={(e) => setF({ ...f, sourceId: Number(e.target.value) })}>
          {sources.map((s) => <option key={s.id} value={String(s.id)}>{s.title}</option>)}
        </select>
      </label>
      <label>
        {t('acc.claim.quote')}
        <input value={f.quote} onChange={(e) => setF({ ...f, quote: e.target.value })} required />
      </label>
      <label>
        {t('acc.claim.confidence')}
        <select value={f.confidence} onChange={(e) => setF({ ...f, confidence: e.target.value as Confidence })}>
          {(['low', 'medium', 'high'] as const).map((c) => <option key={c} value={c}>{t(`acc.confidence.${c}`)}</option>)}
        </select>
      </label>
      <button type="submit" className="secondary">{t('acc.claim.add')}</button>
      <ErrorNote error={error} />
    </form>
  );
}
