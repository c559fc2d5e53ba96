// The taxonomy: built-in terms of ill-treatment and facility types, in English and Russian, and
// new terms added by coordinators and administrators (the server refuses others), who also rename
// and translate terms and retire them (a retired term stays on what it tags, offered no more).
import { useState } from 'react';
import { api } from '../api.js';
import type { Term } from '../api-types.js';
import { useI18n } from '../i18n/i18n.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';
import { ErrorNote, Loading, PageHeader, Pill } from '../components/ui.component.js';

export function TaxonomyScreen() {
  const { t } = useI18n();
  const { session } = useSession();
  const terms = useLoad(() => api.taxonomy(), []);
  const [f, setF] = useState<{ kind: Term['kind']; key: string; en: string; ru: string }>({ kind: 'ill-treatment', key: '', en: '', ru: '' });
  const [error, setError] = useState<unknown>(null);
  const [edit, setEdit] = useState<{ id: Term['id']; en: string; ru: string } | null>(null);
  const editor = session.user.isAdmin;
  const patch = (x: Term, b: { labels?: { en: string; ru: string }; archived?: boolean }) => {
    setError(null);
    api.patchTerm(x.id, b).then(() => (setEdit(null), terms.reload()), setError);
  };
  const keyOf = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return (
    <>
      <PageHeader title={t('tax.title')} />
      <p className="muted">{t('tax.intro')}</p>
      {session.user.isAdmin && (
        <form
          className="card inline-form"
          aria-label={t('tax.add')}
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            api
              .createTerm({ kind: f.kind, key: f.key || keyOf(f.en), labels: { en: f.en, ru: f.ru } })
              .then(() => (setF({ ...f, key: '', en: '', ru: '' }), terms.reload()), setError);
          }}
        >
          <label>
            {t('items.kind')}
            <select value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value as Term['kind'] })}>
              <option value="ill-treatment">{t('tax.kind.ill-treatment')}</option>
              <option value="facility-type">{t('tax.kind.facility-type')}</option>
            </select>
          </label>
          <label>
            English
            <input value={f.en} onChange={(e) => setF({ ...f, en: e.target.value })} required />
          </label>
          <label>
            Русский
            <input value={f.ru} onChange={(e) => setF({ ...f, ru: e.target.value })} required lang="ru" />
          </label>
          <button type="submit">{t('tax.add')}</button>
        </form>
      )}
      <ErrorNote error={error ?? terms.error} />
      {terms.loading && !terms.data ? (
        <Loading />
      ) : (
        (['ill-treatment', 'facility-type'] as const).map((kind) => (
          <section key={kind} className="card">
            <h2>{t(`tax.kind.${kind}`)}</h2>
            <table className="table">
              <thead>
                <tr>
                  <th>English</th>
                  <th>Русский</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {(terms.data ?? [])
                  .filter((x) => x.kind === kind)
                  .map((x) =>
                    edit && String(edit.id) === String(x.id) ? (
                      <tr key={x.id} data-testid="term-editing">
                        <td><input aria-label="English" value={edit.en} onChange={(e) => setEdit({ ...edit, en: e.target.value })} required /></td>
                        <td><input aria-label="Русский" lang="ru" value={edit.ru} onChange={(e) => setEdit({ ...edit, ru: e.target.value })} required /></td>
                        <td className="row-actions">
                          <button type="button" className="small" disabled={!edit.en.trim() || !edit.ru.trim()} onClick={() => patch(x, { labels: { en: edit.en.trim(), ru: edit.ru.trim() } })}>{t('common.save')}</button>
                          <button type="button" className="secondary small" onClick={() => setEdit(null)}>{t('common.cancel')}</button>
                        </td>
                      </tr>
                    ) : (
                      <tr key={x.id} className={x.archived ? 'is-retired' : ''}>
                        <td>{x.labels.en}</td>
                        <td lang="ru">{x.labels.ru}</td>
                        <td>
                          {x.builtIn && <Pill>{t('tax.builtIn')}</Pill>}
                          {x.archived && <Pill tone="warn">{t('tax.retired')}</Pill>}
                          {editor && (
                            <span className="row-actions">
                              <button type="button" className="link small" onClick={() => setEdit({ id: x.id, en: x.labels.en, ru: x.labels.ru })}>{t('tax.renameTranslate')}</button>
                              <button type="button" className="link small" onClick={() => patch(x, { archived: !x.archived })}>{x.archived ? t('tax.restore') : t('tax.retire')}</button>
                            </span>
                          )}
                        </td>
                      </tr>
                    ),
                  )}
              </tbody>
            </table>
          </section>
        ))
      )}
    </>
  );
}
