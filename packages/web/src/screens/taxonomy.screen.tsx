// The taxonomy: built-in terms of ill-treatment and facility types, in English and Russian, and
// new terms added by coordinators and administrators (the server refuses others).
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
                  .map((x) => (
                    <tr key={x.id}>
                      <td>{x.labels.en}</td>
                      <td lang="ru">{x.labels.ru}</td>
                      <td>{(x as Term & { builtIn?: boolean }).builtIn && <Pill>{t('tax.builtIn')}</Pill>}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>
        ))
      )}
    </>
  );
}
