// The user's own settings (media reveal, language, password, TOTP, sign out everywhere) and,
// for administrators, the user list.
import { useState } from 'react';
import { api } from '../api.js';
import { LOCALES, useI18n, type Locale } from '../i18n/i18n.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';
import { ErrorNote, Loading, PageHeader, Pill } from '../components/ui.component.js';
import { TotpEnrol } from './auth.screen.js';

export function SettingsScreen() {
  const { t } = useI18n();
  const { session, settings, updateSettings, signOut } = useSession();
  const [pw, setPw] = useState({ current: '', next: '' });
  const [msg, setMsg] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [totpDone, setTotpDone] = useState(false);
  return (
    <>
      <PageHeader title={t('settings.title')} />
      <section className="card stack">
        <label className="check">
          <input type="checkbox" name="revealMedia" checked={settings.revealMedia} onChange={(e) => updateSettings({ revealMedia: e.target.checked }).catch(setError)} />
          {t('settings.reveal')}
        </label>
        <p className="muted small">{t('settings.revealHint')}</p>
        <label>
          {t('settings.language')}
          <select value={settings.locale} onChange={(e) => updateSettings({ locale: e.target.value as Locale }).catch(setError)}>
            {LOCALES.map((l) => <option key={l.id} value={l.id}>{l.label}</option>)}
          </select>
        </label>
      </section>
      <section className="card stack">
        <h2>{t('totp.title')}</h2>
        {session.user.totpEnabled || totpDone ? <p>{t('totp.enabled')}</p> : <TotpEnrol onDone={() => setTotpDone(true)} />}
      </section>
      <form
        className="card stack"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          api.password(pw).then(() => (setPw({ current: '', next: '' }), setMsg(t('common.saved'))), setError);
        }}
      >
        <h2>{t('settings.password')}</h2>
        <label>
          {t('settings.current')}
          <input type="password" autoComplete="current-password" value={pw.current} onChange={(e) => setPw({ ...pw, current: e.target.value })} required />
        </label>
        <label>
          {t('settings.next')}
          <input type="password" autoComplete="new-password" minLength={12} value={pw.next} onChange={(e) => setPw({ ...pw, next: e.target.value })} required />
        </label>
        <button type="submit">{t('common.save')}</button>
        {msg && <p className="note note-ok">{msg}</p>}
      </form>
      <section className="card stack">
        <h2>{t('settings.revokeAll')}</h2>
        <p className="muted">{t('settings.revokeAllHint')}</p>
        <button type="button" className="danger" onClick={() => api.revokeAll().then(() => signOut(), setError)}>{t('settings.revokeAll')}</button>
      </section>
      <ErrorNote error={error} />
    </>
  );
}

export function UsersScreen() {
  const { t } = useI18n();
  const users = useLoad(() => api.users(), []);
  const [f, setF] = useState({ username: '', displayName: '', password: '', isAdmin: false });
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <PageHeader title={t('users.title')} />
      <form
        className="card inline-form"
        aria-label={t('users.create')}
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          api.createUser(f).then(() => (setF({ username: '', displayName: '', password: '', isAdmin: false }), users.reload()), setError);
        }}
      >
        <label>
          {t('auth.username')}
          <input name="username" value={f.username} onChange={(e) => setF({ ...f, username: e.target.value })} required autoComplete="off" />
        </label>
        <label>
          {t('users.displayName')}
          <input name="displayName" value={f.displayName} onChange={(e) => setF({ ...f, displayName: e.target.value })} required />
        </label>
        <label>
          {t('auth.password')}
          <input name="password" type="password" minLength={12} value={f.password} onChange={(e) => setF({ ...f, password: e.target.value })} required autoComplete="new-password" />
        </label>
        <label className="check">
          <input type="checkbox" name="isAdmin" checked={f.isAdmin} onChange={(e) => setF({ ...f, isAdmin: e.target.checked })} />
          {t('users.isAdmin')}
        </label>
        <button type="submit">{t('users.create')}</button>
      </form>
      <ErrorNote error={error ?? users.error} />
      {users.loading && !users.data ? (
        <Loading />
      ) : (
        <table className="table" data-testid="users">
          <thead>
            <tr>
              <th>{t('auth.username')}</th>
              <th>{t('users.displayName')}</th>
              <th>{t('users.isAdmin')}</th>
              <th>{t('users.totp')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(users.data ?? []).map((u) => (
              <tr key={u.id}>
                <td>{u.username}</td>
                <td>{u.displayName}</td>
                <td>{u.isAdmin ? t('common.yes') : t('common.no')}</td>
                <td>{u.totpEnabled ? <Pill tone="ok">✓</Pill> : '—'}</td>
                <td>
                  <button type="button" className="secondary small" onClick={() => api.patchUser(u.id, { disabled: !u.disabled }).then(users.reload, setError)}>
                    {u.disabled ? t('users.enable') : t('users.disable')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
