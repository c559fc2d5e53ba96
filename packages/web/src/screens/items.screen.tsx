// Items browser: facets and filters from the API, full-text search, sort, grid or table, saved views.
import { useEffect, useState } from 'react';
import { api, blobUrl } from '../api.js';
import type { Id, ItemQuery, ItemRow, Term } from '../api-types.js';
import { formatClock, useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/en.js';
import { href } from '../route.js';
import { useLoad } from '../use-load.js';
import { Reveal } from '../components/reveal.component.js';
import { termLabel } from './annotation-panel.screen.js';
import { ErrorNote, Loading, PageHeader, Pill, statusTone } from '../components/ui.component.js';

// Facet names as the API returns them, and the query parameter each one sets.
const FACETS = ['hasActivity', 'kind', 'status', 'camera', 'tag', 'review', 'duplicate'] as const;
const PARAM: Record<Facet, keyof ItemQuery> = { hasActivity: 'hasActivity', kind: 'kind', status: 'status', camera: 'camera', tag: 'tag', review: 'review', duplicate: 'duplicateGroup' };
const SORTS = ['path', '-activity', '-recorded', 'recorded', '-duration', 'duration', '-size', 'size'] as const;
type Facet = (typeof FACETS)[number];

export function ItemsScreen({ caseId }: { caseId: Id }) {
  const { t, num, locale, value } = useI18n();
  const terms = useLoad(() => api.taxonomy().catch(() => [] as Term[]), []);
  const termName = (id: Id) => termLabel(terms.data?.find((x) => String(x.id) === String(id)), locale);
  const [query, setQuery] = useState<ItemQuery>({ sort: 'path', limit: 60 });
  const [search, setSearch] = useState('');
  const [mode, setMode] = useState<'grid' | 'table'>('grid');
  const [extra, setExtra] = useState<ItemRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useLoad(() => api.items(caseId, query), [caseId, JSON.stringify(query)]);
  const views = useLoad(() => api.views(caseId).catch(() => []), [caseId]);
  const [viewName, setViewName] = useState('');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setExtra([]);
    setCursor(list.data?.nextCursor ?? null);
  }, [list.data]);

  // Search as one types, a moment after the last key.
  useEffect(() => {
    const h = setTimeout(() => setQuery((q) => (q.q ?? '') === search ? q : { ...q, q: search || undefined }), 300);
    return () => clearTimeout(h);
  }, [search]);

  const toggle = (f: Facet, v: string) => setQuery((q) => ({ ...q, [PARAM[f]]: q[PARAM[f]] === v ? undefined : v }));
  const items = [...(list.data?.items ?? []), ...extra];
  const facetLabel = (f: Facet, v: string) =>
    f === 'hasActivity'
      ? t(`facet.hasActivity.${v === 'true' ? 'true' : 'false'}`)
      : f === 'review' && ['unreviewed', 'in-review', 'verified', 'disputed'].includes(v)
        ? t(`inc.status.${v}` as MessageKey)
        : f === 'review' && (v === 'none' || v === 'annotated')
          ? t(`review.${v}`)
          : f === 'kind' || f === 'status' || f === 'camera'
            ? value(v)
            : f === 'duplicate' && v === 'any'
            ? t('facet.duplicate.any')
            : f === 'tag'
            ? termName(v)
            : v;
  const active = FACETS.filter((f) => query[PARAM[f]]);

  return (
    <div className="browser">
      <aside className="facets" aria-label="filters">
        <label className="search">
          <span className="sr-only">{t('items.search')}</span>
          <input type="search" name="q" placeholder={t('items.search')} value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        {FACETS.map((f) => {
          const raw = list.data?.facets?.[f];
          // The duplicate facet counts items in a group or not; filtering is by group ("any").
          const counts = raw && f === 'duplicate' ? (raw['true'] ? { any: raw['true'] } : {}) : raw;
          if (!counts || Object.keys(counts).length === 0) return null;
          return (
            <fieldset key={f} className="facet" data-facet={f}>
              <legend>{t(`facet.${f}`)}</legend>
              {Object.entries(counts)
                .sort((a, b) => b[1] - a[1])
                .slice(0, 12)
                .map(([v, n]) => (
                  <label key={v} className={`facet-value ${query[PARAM[f]] === v ? 'is-on' : ''}`}>
                    <input type="checkbox" checked={query[PARAM[f]] === v} onChange={() => toggle(f, v)} data-facet-value={`${f}:${v}`} />
                    <span className="facet-name">{facetLabel(f, v)}</span>
                    <span className="facet-count">{list.data?.estimated ? '≈' : ''}{num(n)}</span>
                  </label>
                ))}
            </fieldset>
          );
        })}
        <fieldset className="facet">
          <legend>{t('items.from')}</legend>
          <input type="datetime-local" aria-label={t('items.from')} value={localInput(query.from)} onChange={(e) => setQuery({ ...query, from: isoOf(e.target.value) })} />
          <span className="muted small">{t('items.to')}</span>
          <input type="datetime-local" aria-label={t('items.to')} value={localInput(query.to)} onChange={(e) => setQuery({ ...query, to: isoOf(e.target.value) })} />
        </fieldset>
        <fieldset className="facet">
          <legend>{t('items.views')}</legend>
          {(views.data ?? []).map((v) => (
            <div key={v.id} className="view-row" data-testid="saved-view">
              <button type="button" className="link view-link" onClick={() => (setSearch(v.query.q ?? ''), setQuery({ limit: 60, ...v.query }))}>
                {v.name}
              </button>
              <button
                type="button"
                className="link small"
                aria-label={`${t('items.renameView')}: ${v.name}`}
                onClick={() => {
                  const name = prompt(t('items.renameView'), v.name)?.trim();
                  if (!name || name === v.name) return;
                  setError(null);
                  api.renameView(v.id, name).then(() => views.reload(), setError);
                }}
              >
                {t('common.rename')}
              </button>
              <button
                type="button"
                className="link small danger-link"
                aria-label={`${t('items.deleteView')}: ${v.name}`}
                onClick={() => {
                  if (!confirm(t('items.confirmDeleteView', { name: v.name }))) return;
                  setError(null);
                  api.deleteView(v.id).then(() => views.reload(), setError);
                }}
              >
                {t('common.delete')}
              </button>
            </div>
          ))}
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              setError(null);
              api.saveView(caseId, { name: viewName, query }).then(() => (setViewName(''), views.reload()), setError);
            }}
          >
            <input aria-label={t('items.viewName')} placeholder={t('items.viewName')} value={viewName} onChange={(e) => setViewName(e.target.value)} required />
            <button type="submit" className="secondary small">{t('items.saveView')}</button>
          </form>
        </fieldset>
      </aside>
      <section className="results">
        <PageHeader title={t('items.title')}>
          <span className="muted" data-testid="items-total">{t(list.data?.estimated ? 'items.totalEstimated' : 'items.total', { count: list.data?.total ?? 0 })}</span>
          <label className="inline">
            {t('items.sort')}{' '}
            <select name="sort" value={query.sort} onChange={(e) => setQuery({ ...query, sort: e.target.value })}>
              {SORTS.map((s) => <option key={s} value={s}>{t(`items.sort.${s}`)}</option>)}
            </select>
          </label>
          <div className="segmented" role="group">
            <button type="button" aria-pressed={mode === 'grid'} onClick={() => setMode('grid')}>{t('items.grid')}</button>
            <button type="button" aria-pressed={mode === 'table'} onClick={() => setMode('table')}>{t('items.table')}</button>
          </div>
        </PageHeader>
        {active.length > 0 && (
          <p className="active-filters">
            {active.map((f) => (
              <button key={f} type="button" className="chip is-on" onClick={() => toggle(f, String(query[PARAM[f]]))}>
                {t(`facet.${f}`)}: {facetLabel(f, String(query[PARAM[f]]))} ✕
              </button>
            ))}
            <button type="button" className="link" onClick={() => setQuery({ sort: query.sort, limit: 60 })}>{t('items.clear')}</button>
          </p>
        )}
        <ErrorNote error={error ?? list.error} onRetry={list.reload} />
        {list.loading && !list.data ? (
          <Loading />
        ) : items.length === 0 ? (
          <p className="muted">{t('items.noResults')}</p>
        ) : mode === 'grid' ? (
          <ul className="thumbs" data-testid="items-grid">
            {items.map((it) => <Thumb key={it.id} caseId={caseId} it={it} termName={termName} />)}
          </ul>
        ) : (
          <ItemTable caseId={caseId} items={items} termName={termName} />
        )}
        {cursor && (
          <button
            type="button"
            className="secondary"
            onClick={() => api.items(caseId, { ...query, cursor }).then((r) => (setExtra((e) => [...e, ...r.items]), setCursor(r.nextCursor ?? null)), setError)}
          >
            {t('items.more')}
          </button>
        )}
      </section>
    </div>
  );
}

function localInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
const isoOf = (local: string): string | undefined => (local ? new Date(local).toISOString() : undefined);

function fileName(p: string) {
  return p.split(/[\\/]/).pop() ?? p;
}

function Thumb({ caseId, it, termName }: { caseId: Id; it: ItemRow; termName: (id: Id) => string }) {
  const { t, date, value } = useI18n();
  return (
    <li className="thumb card">
      <Reveal className="thumb-media">
        {() => (it.posterSha256 ? <img src={blobUrl(it.posterSha256)} alt="" loading="lazy" /> : <div className="thumb-none">{it.kind}</div>)}
      </Reveal>
      <a className="thumb-title" href={href.item(caseId, it.id)} title={it.path}>{fileName(it.path)}</a>
      <div className="thumb-meta">
        {it.camera && <span>{it.camera}</span>}
        {it.durationSec != null && <span>{formatClock(it.durationSec)}</span>}
        {it.overlayStart && <span>{date(it.overlayStart)}</span>}
      </div>
      <div className="thumb-tags">
        {(it.activitySeconds ?? 0) > 0 && <Pill tone="info">{t('items.activity')}: {formatClock(it.activitySeconds)}</Pill>}
        {it.status !== 'ok' && it.status !== 'stored' && <Pill tone={statusTone(it.status)}>{value(it.status)}</Pill>}
        {it.reviewState && it.reviewState !== 'none' && <Pill tone={statusTone(it.reviewState)}>{value(it.reviewState)}</Pill>}
        {(it.tags ?? []).slice(0, 3).map((tag) => <Pill key={tag}>{termName(tag)}</Pill>)}
      </div>
    </li>
  );
}

function ItemTable({ caseId, items, termName }: { caseId: Id; items: ItemRow[]; termName: (id: Id) => string }) {
  const { t, bytes, date, value } = useI18n();
  return (
    <table className="table" data-testid="items-table">
      <thead>
        <tr>
          <th>{t('items.path')}</th>
          <th>{t('items.kind')}</th>
          <th>{t('items.status')}</th>
          <th>{t('items.camera')}</th>
          <th>{t('items.overlay')}</th>
          <th className="num">{t('items.duration')}</th>
          <th className="num">{t('items.activity')}</th>
          <th className="num">{t('items.size')}</th>
          <th>{t('items.tags')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((it) => (
          <tr key={it.id}>
            <td><a href={href.item(caseId, it.id)}>{it.path}</a></td>
            <td>{value(it.kind)}</td>
            <td><Pill tone={statusTone(it.status)}>{value(it.status)}</Pill></td>
            <td>{it.camera ? value(it.camera) : '—'}</td>
            <td>{date(it.overlayStart)}</td>
            <td className="num">{formatClock(it.durationSec)}</td>
            <td className="num">{it.activitySeconds ? formatClock(it.activitySeconds) : '—'}</td>
            <td className="num">{it.size == null ? '—' : bytes(it.size)}</td>
            <td>{(it.tags ?? []).map(termName).join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
