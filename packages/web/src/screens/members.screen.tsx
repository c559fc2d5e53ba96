// Members of a case, their roles and which protected fields they may see.
import { useState } from 'react';
import { api } from '../api.js';
import { GRANTS, ROLES, type Grant, type Id, type Role } from '../api-types.js';
import { useT } from '../i18n/i18n.js';
import { can } from '../session.js';
import { useLoad } from '../use-load.js';
import { ErrorNote, Loading, PageHeader, Pill } from '../components/ui.component.js';

export function MembersScreen({ caseId, role }: { caseId: string; role: Role | null | undefined }) {
  const t = useT();
  const members = useLoad(() => api.members(caseId), [caseId]);
  const manage = can.manage(role);
  const users = useLoad(() => (manage ? api.users().catch(() => []) : Promise.resolve([])), [manage]);
  const [add, setAdd] = useState<{ userId: string; role: Role; grants: Grant[] }>({ userId: '', role: 'analyst', grants: [] });
  const [error, setError] = useState<unknown>(null);
  const put = (userId: Id, r: Role, grants: Grant[]) => {
    setError(null);
    api.putMember(caseId, userId, { role: r, grants }).then(members.reload, setError);
  };
  const memberIds = new Set((members.data ?? []).map((m) => m.userId));
  return (
    <>
      <PageHeader title={t('members.title')} />
      <ErrorNote error={error ?? members.error} />
      {manage && (
        <form
          className="inline-form card"
          aria-label={t('members.add')}
          onSubmit={(e) => {
            e.preventDefault();
            if (add.userId) {
              put(add.userId, add.role, add.grants);
              setAdd({ userId: '', role: 'analyst', grants: [] });
            }
          }}
        >
          <label>
            {t('members.user')}
            <select name="userId" value={add.userId} onChange={(e) => setAdd({ ...add, userId: e.target.value })} required>
              <option value="">—</option>
              {(users.data ?? []).filter((u) => !memberIds.has(u.id)).map((u) => (
                <option key={u.id} value={u.id}>{u.displayName} ({u.username})</option>
              ))}
            </select>
          </label>
          <label>
            {t('members.role')}
            <select name="role" value={add.role} onChange={(e) => setAdd({ ...add, role: e.target.value as Role })}>
              {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
            </select>
          </label>
          {GRANTS.map((g) => (
            <label key={g} className="check">
              <input type="checkbox" name={`grant-${g}`} checked={add.grants.includes(g)} onChange={(e) => setAdd({ ...add, grants: e.target.checked ? [...add.grants, g] : add.grants.filter((x) => x !== g) })} />
              {t(`grant.${g}`)}
            </label>
          ))}
          <button type="submit">{t('members.add')}</button>
        </form>
      )}
      {members.loading && !members.data ? (
        <Loading />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('members.user')}</th>
              <th>{t('members.role')}</th>
              <th>{t('members.grants')}</th>
              {manage && <th />}
            </tr>
          </thead>
          <tbody>
            {(members.data ?? []).map((m) => (
              <tr key={m.userId}>
                <td>{m.displayName ?? m.username ?? m.userId} {m.username && <span className="muted">({m.username})</span>}</td>
                <td>
                  {manage ? (
                    <select aria-label={t('members.role')} value={m.role} onChange={(e) => put(m.userId, e.target.value as Role, m.grants)}>
                      {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
                    </select>
                  ) : (
                    t(`role.${m.role}`)
                  )}
                </td>
                <td>
                  {manage
                    ? GRANTS.map((g) => (
                        <label key={g} className="check">
                          <input type="checkbox" checked={m.grants.includes(g)} onChange={(e) => put(m.userId, m.role, e.target.checked ? [...m.grants, g] : m.grants.filter((x) => x !== g))} />
                          {t(`grant.${g}`)}
                        </label>
                      ))
                    : m.grants.map((g) => <Pill key={g}>{t(`grant.${g}`)}</Pill>)}
                </td>
                {manage && (
                  <td>
                    <button type="button" className="secondary small" onClick={() => api.removeMember(caseId, m.userId).then(members.reload, setError)}>
                      {t('common.remove')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
