// Cases the user belongs to, and a form to open a new one (admins and coordinators).
import { useState } from 'react';
import { api } from '../api.js';
import type { CaseSummary } from '../api-types.js';
import { useI18n } from '../i18n/i18n.js';
import { href } from '../route.js';
import { useSession } from '../session.js';
import type { Loaded } from '../use-load.js';
import { ErrorNote, Loading, PageHeader, Pill } from '../components/ui.component.js';

export function CasesScreen({ cases }: { cases: Loaded<CaseSummary[]> }) {
  const { t, num, date } = useI18n();
  const { session } = useSession();
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const mayCreate = session.user.isAdmin || (cases.data ?? []).some((c) => c.role === 'coordinator' || c.role === 'admin');
  return (
    <>
      <PageHeader title={t('cases.title')} />
      {mayCreate && (
        <form
          className="inline-form card"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            api.createCase(name.trim()).then((c) => {
              setName('');
              location.hash = href.case(c.id);
            }, setError);
          }}
        >
          <label>
            {t('cases.name')}
            <input name="caseName" value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <button type="submit">{t('cases.create')}</button>
        </form>
      )}
      <ErrorNote error={error ?? cases.error} />
      {cases.loading && !cases.data ? (
        <Loading />
      ) : (cases.data ?? []).length === 0 ? (
        <p className="muted">{t('cases.none')}</p>
      ) : (
        <ul className="case-list">
          {cases.data!.map((c) => (
            <li key={c.id} className="card case-card">
              <a href={href.case(c.id)} className="case-link">{c.name}</a>
              <span className="muted">
                {t('cases.items')}: {num(c.itemCount ?? 0)}
              </span>
              {c.role && <Pill>{t(`role.${c.role}`)}</Pill>}
              {c.createdAt && <span className="muted small">{date(c.createdAt)}</span>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
