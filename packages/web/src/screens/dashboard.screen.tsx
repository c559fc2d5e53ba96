// Case dashboard: how many items, how far processing has got, what failed, and where activity is.
import { api } from '../api.js';
import { useI18n } from '../i18n/i18n.js';
import { href } from '../route.js';
import { useLoad } from '../use-load.js';
import { ActivityChart } from '../components/activity-chart.component.js';
import { ErrorNote, Loading, PageHeader } from '../components/ui.component.js';

function Counts({ title, counts }: { title: string; counts: Record<string, number> | undefined }) {
  const { num, value } = useI18n();
  const entries = Object.entries(counts ?? {});
  return (
    <section className="card">
      <h2>{title}</h2>
      {entries.length === 0 ? (
        <p className="muted">—</p>
      ) : (
        <dl className="kv">
          {entries.map(([k, v]) => (
            <div key={k} className="kv-row">
              <dt>{value(k)}</dt>
              <dd className="num">{num(v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

export function DashboardScreen({ caseId }: { caseId: string | number }) {
  const { t, num } = useI18n();
  const d = useLoad(() => api.dashboard(caseId), [caseId]);
  if (d.error) return <ErrorNote error={d.error} onRetry={d.reload} />;
  if (!d.data) return <Loading />;
  const { processing, counts, activityByCamera } = d.data;
  const c = counts as Record<string, unknown> | undefined;
  const byKind = (c?.byKind ?? c?.kind) as Record<string, number> | undefined;
  const byStatus = (c?.byStatus ?? c?.status) as Record<string, number> | undefined;
  const total = (c?.items as number | undefined) ?? Object.values(byKind ?? {}).reduce((a, b) => a + b, 0);
  const p0 = processing ?? { done: 0, pending: 0, failed: 0 };
  // Running steps are still to be done, as far as the reader is concerned.
  const p = { ...p0, pending: p0.pending + (p0.running ?? 0) };
  const all = p.done + p.pending + p.failed;
  return (
    <>
      <PageHeader title={d.data.case.name}>
        <a className="button" href={href.case(caseId, 'items')}>{t('nav.items')}</a>
      </PageHeader>
      <div className="grid-3">
        <section className="card stat">
          <h2>{t('dash.items')}</h2>
          <p className="stat-figure" data-testid="item-count">{num(total)}</p>
        </section>
        <Counts title={t('dash.byKind')} counts={byKind} />
        <Counts title={t('dash.byStatus')} counts={byStatus} />
      </div>
      <section className="card">
        <h2>{t('dash.processing')}</h2>
        <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={all} aria-valuenow={p.done}>
          <span className="progress-done" style={{ width: `${all ? (100 * p.done) / all : 0}%` }} />
          <span className="progress-failed" style={{ width: `${all ? (100 * p.failed) / all : 0}%` }} />
        </div>
        <p className="muted">
          {t('dash.done')}: {num(p.done)} · {t('dash.pending')}: {num(p.pending)} · {t('dash.failed')}: {num(p.failed)}
        </p>
        {(p.failures ?? []).length > 0 && (
          <>
            <h3>{t('dash.failures')}</h3>
            <ul className="failures">
              {p.failures!.map((f, i) => (
                <li key={i}>
                  {f.itemId != null ? <a href={href.item(caseId, f.itemId)}>{f.path ?? f.itemId}</a> : (f.path ?? '—')} — <code>{f.step}</code>: {f.error ?? ''}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <section className="card">
        <h2>{t('dash.activity')}</h2>
        {(activityByCamera ?? []).length === 0 ? <p className="muted">{t('dash.noActivity')}</p> : <ActivityChart rows={activityByCamera!} />}
      </section>
    </>
  );
}
