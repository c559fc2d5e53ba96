// The case's ledger: who did what, newest first, paged backwards.
import { useState } from 'react';
import { api } from '../api.js';
import type { LedgerEntry } from '../api-types.js';
import { useI18n } from '../i18n/i18n.js';
import { useLoad } from '../use-load.js';
import { ErrorNote, Loading, PageHeader } from '../components/ui.component.js';

function summarise(details: unknown): string {
  if (!details || typeof details !== 'object') return '';
  return Object.entries(details as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .slice(0, 4)
    .map(([k, v]) => `${k}: ${String(v).length > 40 ? String(v).slice(0, 12) + '…' : String(v)}`)
    .join(' · ');
}

export function LedgerScreen({ caseId }: { caseId: string | number }) {
  const { t, date } = useI18n();
  const first = useLoad(() => api.ledger(caseId, { limit: 100 }), [caseId]);
  const [older, setOlder] = useState<LedgerEntry[]>([]);
  const [next, setNext] = useState<number | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const entries = [...(first.data?.entries ?? []), ...older];
  const before = next === undefined ? first.data?.nextBefore : next;
  return (
    <>
      <PageHeader title={t('ledger.title')} />
      <p className="muted">{t('ledger.intro')}</p>
      <ErrorNote error={error ?? first.error} onRetry={first.reload} />
      {first.loading && !first.data ? (
        <Loading />
      ) : (
        <table className="table ledger" data-testid="ledger">
          <thead>
            <tr>
              <th className="num">{t('ledger.seq')}</th>
              <th>{t('ledger.time')}</th>
              <th>{t('ledger.actor')}</th>
              <th>{t('ledger.action')}</th>
              <th>{t('ledger.subjects')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq}>
                <td className="num">{e.seq}</td>
                <td className="nowrap">{date(e.time)}</td>
                <td>{e.actor}</td>
                <td><code>{e.action}</code></td>
                <td className="small muted">{(e.subjects ?? []).map((s) => (s.length > 24 ? s.slice(0, 14) + '…' : s)).join(', ')} {summarise(e.details)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {before != null && (
        <button type="button" className="secondary" onClick={() => api.ledger(caseId, { limit: 100, before }).then((r) => (setOlder((o) => [...o, ...r.entries]), setNext(r.nextBefore ?? null)), setError)}>
          {t('ledger.older')}
        </button>
      )}
    </>
  );
}
