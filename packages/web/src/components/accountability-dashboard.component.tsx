// The accountability dashboard: counts by outcome, the timeline of events and the incidents each
// outcome relates to, for the whole case or one facility or region; CSV and JSON downloads.
import { useState } from 'react';
import { accountabilityExportUrl, api } from '../api.js';
import type { Facility, Id } from '../api-types.js';
import { useI18n } from '../i18n/i18n.js';
import { href } from '../route.js';
import { useLoad } from '../use-load.js';
import { ErrorNote, Loading, Pill } from './ui.component.js';

export function AccountabilityDashboardPanel({ caseId, facilities }: { caseId: Id; facilities: Facility[] }) {
  const { t, num } = useI18n();
  const [scope, setScope] = useState('');
  const dash = useLoad(() => api.accountabilityDashboard(caseId, scope || undefined), [caseId, scope]);
  const d = dash.data;
  return (
    <section className="card" aria-label={t('acc.dashboard')} data-testid="accountability-dashboard">
      <div className="inline-form">
        <h2>{t('acc.dashboard')}</h2>
        <label>
          {t('acc.scope')}
          <select value={scope} onChange={(e) => setScope(e.target.value)} data-testid="acc-scope">
            <option value="">{t('acc.wholeCase')}</option>
            {facilities.filter((f) => f.kind === 'region' || f.kind === 'facility').map((f) => <option key={f.id} value={String(f.id)}>{f.name}</option>)}
          </select>
        </label>
        <a className="button secondary small" href={accountabilityExportUrl(caseId, 'csv', scope || undefined)} download data-testid="acc-csv">{t('acc.download.csv')}</a>
        <a className="button secondary small" href={accountabilityExportUrl(caseId, 'json', scope || undefined)} download>{t('acc.download.json')}</a>
      </div>
      <ErrorNote error={dash.error} onRetry={dash.reload} />
      {dash.loading && !d ? (
        <Loading />
      ) : d ? (
        <>
          {d.label && <p className="muted">{t('acc.label')}: {d.label}</p>}
          {d.counts.length === 0 ? (
            <p className="muted">{t('acc.none')}</p>
          ) : (
            <table className="table" data-testid="acc-counts">
              <thead>
                <tr>
                  <th>{t('acc.outcome')}</th>
                  <th>{t('acc.proceedings')}</th>
                  <th>{t('acc.named')}</th>
                  <th>{t('acc.unnamed')}</th>
                  <th>{t('acc.relatedIncidents')}</th>
                </tr>
              </thead>
              <tbody>
                {d.counts.map((c) => (
                  <tr key={c.outcome}>
                    <td>{t(`acc.outcome.${c.outcome}`)}</td>
                    <td>{num(c.proceedings)}</td>
                    <td>{num(c.namedSubjects)}</td>
                    <td>{num(c.unnamedSubjects)}</td>
                    <td>
                      {(d.incidents.find((x) => x.outcome === c.outcome)?.incidents ?? []).map((i) => (
                        <div key={i.id}><a href={href.incident(caseId, i.id)}>{i.title}</a></div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {d.timeline.length > 0 && (
            <>
              <h3>{t('acc.timeline')}</h3>
              <ol className="timeline-list" data-testid="acc-timeline">
                {d.timeline.map((e) => (
                  <li key={e.eventId}>
                    <span className="muted">{e.on ?? t('acc.unknownDate')}</span> <Pill tone="info">{t(`acc.status.${e.status}`)}</Pill>{' '}
                    <a href={href.proceeding(caseId, e.proceedingId)}>{e.proceedingTitle}</a> — {e.summary}
                  </li>
                ))}
              </ol>
            </>
          )}
        </>
      ) : null}
    </section>
  );
}
