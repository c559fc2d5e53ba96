// Persons of a case: victims under pseudonyms, officials with positions. The protected identity is
// shown only when the API returns it (it omits it for members without the grant).
import { useState } from 'react';
import { api } from '../api.js';
import type { Id, PersonInput, Role } from '../api-types.js';
import { useI18n } from '../i18n/i18n.js';
import { can } from '../session.js';
import { useLoad } from '../use-load.js';
import { ErrorNote, Loading, PageHeader, Pill } from '../components/ui.component.js';

const ROLES: PersonInput['role'][] = ['victim', 'perpetrator', 'official', 'witness', 'other'];

export function PersonsScreen({ caseId, role }: { caseId: Id; role: Role | null | undefined }) {
  const { t, date } = useI18n();
  const list = useLoad(() => api.persons(caseId), [caseId]);
  const facilities = useLoad(() => api.facilities().catch(() => []), []);
  const [f, setF] = useState({ role: 'victim' as PersonInput['role'], pseudonym: '', realName: '', birthDate: '', notes: '' });
  const [error, setError] = useState<unknown>(null);
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
            </tr>
          </thead>
          <tbody>
            {list.data!.map((p) => (
              <tr key={p.id}>
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
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
