// Facilities as a tree: region → facility → unit → camera.
import { useState } from 'react';
import { api } from '../api.js';
import type { Facility, Id } from '../api-types.js';
import { useI18n } from '../i18n/i18n.js';
import { useLoad } from '../use-load.js';
import { ErrorNote, Loading, PageHeader } from '../components/ui.component.js';
import { termLabel } from './annotation-panel.screen.js';

const CHILD: Record<Facility['kind'], Facility['kind'] | null> = { region: 'facility', facility: 'unit', unit: 'camera', camera: null };

export function FacilitiesScreen() {
  const { t, locale } = useI18n();
  const list = useLoad(() => api.facilities(), []);
  const terms = useLoad(() => api.taxonomy().catch(() => []), []);
  const [form, setForm] = useState<{ kind: Facility['kind']; name: string; parentId: string; facilityTypeTermId: string }>({ kind: 'region', name: '', parentId: '', facilityTypeTermId: '' });
  const [error, setError] = useState<unknown>(null);
  const all = list.data ?? [];
  const children = (id: Id | null) => all.filter((f) => String(f.parentId ?? '') === String(id ?? '')).sort((a, b) => a.name.localeCompare(b.name, locale));
  const types = (terms.data ?? []).filter((x) => x.kind === 'facility-type');
  const typeName = (id: Id | null | undefined) => (id ? termLabel(types.find((x) => String(x.id) === String(id)), locale) : null);
  const parents = all.filter((f) => CHILD[f.kind] === form.kind);

  const Node = ({ f }: { f: Facility }) => (
    <li>
      <span className={`fac fac-${f.kind}`}>
        <span className="muted small">{t(`fac.kind.${f.kind}`)}</span> {f.name}
        {typeName(f.facilityTypeTermId) && <span className="muted"> · {typeName(f.facilityTypeTermId)}</span>}
      </span>
      {children(f.id).length > 0 && (
        <ul>
          {children(f.id).map((c) => <Node key={c.id} f={c} />)}
        </ul>
      )}
    </li>
  );

  return (
    <>
      <PageHeader title={t('fac.title')} />
      <form
        className="inline-form card"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          api
            .createFacility({ kind: form.kind, name: form.name, parentId: form.parentId ? Number(form.parentId) : null, ...(form.kind === 'facility' && form.facilityTypeTermId ? { facilityTypeTermId: Number(form.facilityTypeTermId) } : {}) })
            .then(() => (setForm({ ...form, name: '' }), list.reload()), setError);
        }}
      >
        <label>
          {t('items.kind')}
          <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as Facility['kind'], parentId: '' })}>
            {(['region', 'facility', 'unit', 'camera'] as const).map((k) => <option key={k} value={k}>{t(`fac.kind.${k}`)}</option>)}
          </select>
        </label>
        {form.kind !== 'region' && (
          <label>
            {t('fac.parent')}
            <select value={form.parentId} onChange={(e) => setForm({ ...form, parentId: e.target.value })} required>
              <option value="">—</option>
              {parents.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </select>
          </label>
        )}
        {form.kind === 'facility' && (
          <label>
            {t('fac.type')}
            <select value={form.facilityTypeTermId} onChange={(e) => setForm({ ...form, facilityTypeTermId: e.target.value })}>
              <option value="">—</option>
              {types.map((x) => <option key={x.id} value={x.id}>{termLabel(x, locale)}</option>)}
            </select>
          </label>
        )}
        <label>
          {t('common.name')}
          <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required />
        </label>
        <button type="submit">{t('fac.add')}</button>
      </form>
      <ErrorNote error={error ?? list.error} />
      {list.loading && !list.data ? <Loading /> : all.length === 0 ? <p className="muted">{t('common.empty')}</p> : <ul className="tree card">{children(null).map((f) => <Node key={f.id} f={f} />)}</ul>}
    </>
  );
}
