// Persons of a case: victims under pseudonyms, officials with positions. The protected identity is
// shown only when the API returns it (it omits it for members without the grant). Analysts edit a
// person's pseudonym, role and positions (a new version; a stale edit is refused); ledgered.
import { Fragment, useState } from 'react';
import { api } from '../api.js';
import type { Id, Person, PersonInput, Role } from '../api-types.js';
import { useI18n } from '../i18n/i18n.js';
import { can } from '../session.js';
import { useLoad } from '../use-load.js';
import { ErrorNote, Loading, PageHeader, Pill } from '../components/ui.component.js';
import { pickable } from '../facility-picker.js';

const ROLES: PersonInput['role'][] = ['victim', 'perpetrator', 'official', 'witness', 'other'];

interface PositionDraft {
  facilityId: string;
  title: string;
  unit: string;
  rank: string;
  from: string;
  to: string;
}
interface PersonDraft {
  id: Id;
  version?: number;
  role: PersonInput['role'];
  pseudonym: string;
  positions: PositionDraft[];
}
const draftOf = (p: Person): PersonDraft => ({
  id: p.id,
  ...(p.version !== undefined ? { version: p.version } : {}),
  role: p.role,
  pseudonym: p.pseudonym,
  positions: (p.positions ?? []).map((x) => ({ facilityId: x.facilityId == null ? '' : String(x.facilityId), title: x.title, unit: x.unit ?? '', rank: x.rank ?? '', from: x.from ?? '', to: x.to ?? '' })),
});

export function PersonsScreen({ caseId, role }: { caseId: Id; role: Role | null | undefined }) {
  const { t, date } = useI18n();
  const list = useLoad(() => api.persons(caseId), [caseId]);
  const facilities = useLoad(() => api.facilities().catch(() => []), []);
  const [f, setF] = useState({ role: 'victim' as PersonInput['role'], pseudonym: '', realName: '', birthDate: '', notes: '' });
  const [error, setError] = useState<unknown>(null);
  const [edit, setEdit] = useState<PersonDraft | null>(null);
  const setPos = (k: number, change: Partial<PositionDraft>) => edit && setEdit({ ...edit, positions: edit.positions.map((x, i) => (i === k ? { ...x, ...change } : x)) });
  const saveEdit = () => {
    if (!edit) return;
    setError(null);
    api
      .patchPerson(edit.id, {
        role: edit.role,
        pseudonym: edit.pseudonym.trim(),
        positions: edit.positions.map((x) => ({ facilityId: x.facilityId ? Number(x.facilityId) : null, title: x.title.trim(), unit: x.unit.trim() || null, rank: x.rank.trim() || null, from: x.from || null, to: x.to || null })),
        ...(edit.version !== undefined ? { version: edit.version } : {}),
      })
      .then(() => (setEdit(null), list.reload()), setError);
  };
  const facName = (id: Id | null) => (id == null ? '' : (facilities.data?.find((x) => String(x.id) === String(id))?.name ?? String(id)));
  return (
    <>
      <PageHeader title={t('per.title')} />
      {can.edit(role) && (
        <form
          className="card inline-form"
          aria-label={t('per.add')}
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            const prot = { ...(f.realName ? { realName: f.realName } : {}), ...(f.birthDate ? { birthDate: f.birthDate } : {}), ...(f.notes ? { notes: f.notes } : {}) };
            api
              .createPerson(caseId, { role: f.role, pseudonym: f.pseudonym, ...(Object.keys(prot).length ? { protected: prot } : {}), positions: [] })
              .then(() => (setF({ ...f, pseudonym: '', realName: '', birthDate: '', notes: '' }), list.reload()), setError);
          }}
        >
          <label>
            {t('per.role')}
            <select name="role" value={f.role} onChange={(e) => setF({ ...f, role: e.target.value as PersonInput['role'] })}>
              {ROLES.map((r) => <option key={r} value={r}>{t(`per.role.${r}`)}</option>)}
            </select>
          </label>
          <label>
            {t('per.pseudonym')}
            <input name="pseudonym" value={f.pseudonym} onChange={(e) => setF({ ...f, pseudonym: e.target.value })} required />
          </label>
          <label>
            {t('per.realName')}
            <input name="realName" value={f.realName} onChange={(e) => setF({ ...f, realName: e.target.value })} autoComplete="off" />
          </label>
          <label>
            {t('per.birthDate')}
            <input name="birthDate" type="date" value={f.birthDate} onChange={(e) => setF({ ...f, birthDate: e.target.value })} />
          </label>
          <button type="submit">{t('per.add')}</button>
        </form>
      )}
      <ErrorNote error={error ?? list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (list.data ?? []).length === 0 ? (
        <p className="muted">{t('common.empty')}</p>
      ) : (
        <table className="table" data-testid="persons">
          <thead>
            <tr>
              <th>{t('per.pseudonym')}</th>
              <th>{t('per.role')}</th>
              <th>{t('per.protected')}</th>
              <th>{t('per.positions')}</th>
              {can.edit(role) && <th />}
            </tr>
          </thead>
          <tbody>
            {list.data!.map((p) => (
              <Fragment key={p.id}>
              <tr>
                <td>{p.pseudonym} {p.isSource && <Pill tone="warn">{t('per.isSource')}</Pill>}</td>
                <td>{t(`per.role.${p.role}`)}</td>
                <td data-testid="protected-cell">
                  {p.protected ? (
                    <span className="protected" data-testid="protected-identity">
                      {p.protected.realName ?? ''} {p.protected.birthDate ? `· ${date(p.protected.birthDate).split(',')[0]}` : ''} {p.protected.notes ? `· ${p.protected.notes}` : ''}
                    </span>
                  ) : (
                    <Pill>{t('per.protectedHidden')}</Pill>
                  )}
                </td>
                <td>{(p.positions ?? []).map((x, k) => <div key={k}>{[x.title, x.unit, x.rank, facName(x.facilityId)].filter(Boolean).join(' · ')} {x.from ? `(${x.from}–${x.to ?? ''})` : ''}</div>)}</td>
                {can.edit(role) && (
                  <td>
                    <button type="button" className="link small" onClick={() => (setError(null), setEdit(draftOf(p)))}>{t('common.edit')}</button>
                  </td>
                )}
              </tr>
              {edit && String(edit.id) === String(p.id) && (
                <tr data-testid="person-editing">
                  <td colSpan={5}>
                    <form className="stack" onSubmit={(e) => (e.preventDefault(), saveEdit())} aria-label={t('per.edit')}>
                      <div className="inline-form">
                        <label>
                          {t('per.pseudonym')}
                          <input value={edit.pseudonym} onChange={(e) => setEdit({ ...edit, pseudonym: e.target.value })} required />
                        </label>
                        <label>
                          {t('per.role')}
                          <select value={edit.role} onChange={(e) => setEdit({ ...edit, role: e.target.value as PersonInput['role'] })}>
                            {ROLES.map((r) => <option key={r} value={r}>{t(`per.role.${r}`)}</option>)}
                          </select>
                        </label>
                      </div>
                      <fieldset className="positions-edit">
                        <legend>{t('per.positions')}</legend>
                        {edit.positions.map((x, k) => (
                          <div key={k} className="position-row" data-testid="position-row">
                            <label>
                              {t('per.positionTitle')}
                              <input value={x.title} onChange={(e) => setPos(k, { title: e.target.value })} required />
                            </label>
                            <label>
                              {t('per.unit')}
                              <input value={x.unit} onChange={(e) => setPos(k, { unit: e.target.value })} />
                            </label>
                            <label>
                              {t('per.rank')}
                              <input value={x.rank} onChange={(e) => setPos(k, { rank: e.target.value })} />
                            </label>
                            <label>
                              {t('per.facility')}
                              <select value={x.facilityId} onChange={(e) => setPos(k, { facilityId: e.target.value })}>
                                <option value="">—</option>
                                {pickable(facilities.data ?? [], [x.facilityId]).filter((f) => f.kind !== 'camera').map((f) => <option key={f.id} value={f.id}>{f.name}</option>)}
                              </select>
                            </label>
                            <label>
                              {t('per.from')}
                              <input type="date" value={x.from} onChange={(e) => setPos(k, { from: e.target.value })} />
                            </label>
                            <label>
                              {t('per.to')}
                              <input type="date" value={x.to} onChange={(e) => setPos(k, { to: e.target.value })} />
                            </label>
                            <button type="button" className="link small danger-link" onClick={() => setEdit({ ...edit, positions: edit.positions.filter((_, i) => i !== k) })}>
                              {t('common.remove')}
                            </button>
                          </div>
                        ))}
                        <div>
                          <button type="button" className="secondary small" onClick={() => setEdit({ ...edit, positions: [...edit.positions, { facilityId: '', title: '', unit: '', rank: '', from: '', to: '' }] })}>
                            {t('per.addPosition')}
                          </button>
                        </div>
                      </fieldset>
                      <div className="row">
                        <button type="submit">{t('common.save')}</button>
                        <button type="button" className="secondary" onClick={() => setEdit(null)}>{t('common.cancel')}</button>
                      </div>
                    </form>
                  </td>
                </tr>
              )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
