// Facilities as a tree: region → facility → unit → camera. Coordinators and administrators add,
// rename, move, archive or restore, and delete (only what nothing refers to) nodes; the server
// checks and ledgers it. Archived nodes are hidden here unless asked for, and from every picker.
import { useState, type ReactElement } from 'react';
import { api } from '../api.js';
import type { Facility, Id } from '../api-types.js';
import { useI18n } from '../i18n/i18n.js';
import { useLoad } from '../use-load.js';
import { ErrorNote, Loading, PageHeader } from '../components/ui.component.js';
import { termLabel } from './annotation-panel.screen.js';
import { isRetired, pickable } from '../facility-picker.js';

const CHILD: Record<Facility['kind'], Facility['kind'] | null> = { region: 'facility', facility: 'unit', unit: 'camera', camera: null };
/** Which kinds may hold which (as the server's ALLOWED_PARENTS; null: the top of the tree). */
const PARENTS: Record<Facility['kind'], (Facility['kind'] | null)[]> = { region: [null, 'region'], facility: [null, 'region'], unit: ['facility', 'unit'], camera: ['facility', 'unit'] };

export function FacilitiesScreen() {
  const { t, locale } = useI18n();
  const list = useLoad(() => api.facilities(), []);
  const terms = useLoad(() => api.taxonomy().catch(() => []), []);
  const [form, setForm] = useState<{ kind: Facility['kind']; name: string; parentId: string; facilityTypeTermId: string }>({ kind: 'region', name: '', parentId: '', facilityTypeTermId: '' });
  const [error, setError] = useState<unknown>(null);
  const [edit, setEdit] = useState<{ id: Id; name: string; parentId: string } | null>(null);
  const [showArchived, setShowArchived] = useState(false);
  const all = list.data ?? [];
  const archivedCount = all.filter((f) => f.archived).length;
  const children = (id: Id | null) =>
    all.filter((f) => String(f.parentId ?? '') === String(id ?? '') && (showArchived || !f.archived)).sort((a, b) => a.name.localeCompare(b.name, locale));
  const types = (terms.data ?? []).filter((x) => x.kind === 'facility-type');
  const typeName = (id: Id | null | undefined) => (id ? termLabel(types.find((x) => String(x.id) === String(id)), locale) : null);
  const parents = pickable(all).filter((f) => CHILD[f.kind] === form.kind);

  // A node may move under any node of an allowed kind except itself and what is under it.
  const under = (id: Id): Set<string> => {
    const out = new Set<string>([String(id)]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const f of all) if (f.parentId != null && out.has(String(f.parentId)) && !out.has(String(f.id))) (out.add(String(f.id)), (grew = true));
    }
    return out;
  };
  const save = (f: Facility) => {
    if (!edit) return;
    setError(null);
    const parentId = edit.parentId ? Number(edit.parentId) : null;
    const change = { ...(edit.name.trim() !== f.name ? { name: edit.name.trim() } : {}), ...(String(parentId ?? '') !== String(f.parentId ?? '') ? { parentId } : {}) };
    if (Object.keys(change).length === 0) return setEdit(null);
    api.patchFacility(f.id, change).then(() => (setEdit(null), list.reload()), setError);
  };
  const remove = (f: Facility) => {
    if (!confirm(t('fac.confirmDelete', { name: f.name }))) return;
    setError(null);
    api.deleteFacility(f.id).then(() => list.reload(), setError);
  };
  const archive = (f: Facility, archived: boolean) => {
    if (archived && !confirm(t('fac.confirmArchive', { name: f.name }))) return;
    setError(null);
    api.archiveFacility(f.id, archived).then(() => list.reload(), setError);
  };

  // A plain function, not a component: a component made anew each render would remount (and the
  // name field lose focus) at every keystroke.
  const node = (f: Facility): ReactElement => (
    <li key={f.id} data-testid="facility-node">
      <span className={`fac fac-${f.kind}`}>
        <span className="muted small">{t(`fac.kind.${f.kind}`)}</span> {f.name}
        {typeName(f.facilityTypeTermId) && <span className="muted"> · {typeName(f.facilityTypeTermId)}</span>}
        {f.archived && <span className="badge muted small" data-testid="facility-archived"> {t('fac.archived')}</span>}
      </span>
      {edit && String(edit.id) === String(f.id) ? (
        <form className="tree-actions" onSubmit={(e) => (e.preventDefault(), save(f))}>
          <input aria-label={t('common.name')} value={edit.name} onChange={(e) => setEdit({ ...edit, name: e.target.value })} required autoFocus />
          <label className="inline small">
            {t('fac.parent')}
            <select value={edit.parentId} onChange={(e) => setEdit({ ...edit, parentId: e.target.value })}>
              {PARENTS[f.kind].includes(null) && <option value="">—</option>}
              {pickable(all, [f.parentId]).filter((x) => PARENTS[f.kind].includes(x.kind) && !under(f.id).has(String(x.id))).map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
            </select>
          </label>
          <button type="submit" className="small">{t('common.save')}</button>
          <button type="button" className="secondary small" onClick={() => setEdit(null)}>{t('common.cancel')}</button>
        </form>
      ) : (
        <span className="tree-actions">
          <button type="button" className="link small" onClick={() => setEdit({ id: f.id, name: f.name, parentId: f.parentId == null ? '' : String(f.parentId) })}>{t('fac.renameMove')}</button>
          {f.archived ? (
            <button type="button" className="link small" onClick={() => archive(f, false)}>{t('fac.restore')}</button>
          ) : (
            !isRetired(all, f) && <button type="button" className="link small" onClick={() => archive(f, true)}>{t('fac.archive')}</button>
          )}
          <button type="button" className="link small danger-link" onClick={() => remove(f)}>{t('common.delete')}</button>
        </span>
      )}
      {children(f.id).length > 0 && (
        <ul>
          {children(f.id).map(node)}
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
      {archivedCount > 0 && (
        <label className="inline small">
          <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} /> {t('fac.showArchived', { n: archivedCount })}
        </label>
      )}
      <ErrorNote error={error ?? list.error} />
      {list.loading && !list.data ? <Loading /> : all.length === 0 ? <p className="muted">{t('common.empty')}</p> : <ul className="tree card">{children(null).map(node)}</ul>}
    </>
  );
}
