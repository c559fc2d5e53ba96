// Sign-in (password, then the TOTP step when asked), a new password with a reset code, first-run
// setup, and TOTP enrolment.
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import type { SessionInfo } from '../api-types.js';
import { useT, useI18n, LOCALES } from '../i18n/i18n.js';
import { ErrorNote } from '../components/ui.component.js';

function AuthFrame({ title, children }: { title: string; children: React.ReactNode }) {
  const { t, locale, setLocale } = useI18n();
  return (
    <main className="auth" id="main">
      <div className="auth-card">
        <p className="brand">
          <span className="brand-mark" aria-hidden="true" />
          {t('app.name')}
          <span className="brand-sub">{t('app.tagline')}</span>
        </p>
        <p className="welcome">{t('app.welcome')}</p>
        <h1>{title}</h1>
        {children}
        <div className="auth-lang">
          <label>
            {t('nav.language')}{' '}
            <select value={locale} onChange={(e) => setLocale(e.target.value as 'en' | 'ru')} data-testid="language">
              {LOCALES.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.label}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
    </main>
  );
}

export function SignInScreen({ onSignedIn, initialUsername }: { onSignedIn: (s: SessionInfo | null) => void; initialUsername?: string }) {
  const t = useT();
  const [username, setUsername] = useState(initialUsername ?? '');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [step, setStep] = useState<'password' | 'totp'>('password');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [resetting, setResetting] = useState(false);
  const [resetDone, setResetDone] = useState(false);

  if (resetting) return <PasswordResetForm initialUsername={username} onDone={(u) => (setUsername(u), setPassword(''), setResetting(false), setResetDone(true))} onCancel={() => setResetting(false)} />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await api.signIn({ username, password, ...(step === 'totp' ? { totp } : {}) });
      onSignedIn(s);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'totp-required') {
        if (step === 'totp') setError(t('auth.totpWrong'));
        setStep('totp');
      } else if (err instanceof ApiError && err.code === 'totp-enrolment-required') {
        onSignedIn(null);
      } else if (err instanceof ApiError && err.code === 'throttled') setError(t('auth.throttled'));
      else if (err instanceof ApiError && err.status === 401) setError(step === 'totp' ? t('auth.totpWrong') : t('auth.failed'));
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame title={t('auth.signIn')}>
      {resetDone && <p className="note" role="status">{t('reset.done')}</p>}
      <form onSubmit={submit} className="stack" aria-label={t('auth.signIn')}>
        {step === 'password' ? (
          <>
            <label>
              {t('auth.username')}
              <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
            </label>
            <label>
              {t('auth.password')}
              <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
            </label>
          </>
        ) : (
          <label>
            {t('auth.totp')}
            <input
              name="totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              value={totp}
              onChange={(e) => setTotp(e.target.value.replace(/\D/g, ''))}
              required
              autoFocus
            />
            <small className="muted">{t('auth.totpHint')}</small>
          </label>
        )}
        {error && (
          <p className="note note-error" role="alert">
            {error}
          </p>
        )}
        <div className="row">
          {step === 'totp' && (
            <button type="button" className="secondary" onClick={() => (setStep('password'), setTotp(''))}>
              {t('auth.back')}
            </button>
          )}
          <button type="submit" disabled={busy}>
            {step === 'password' ? t('auth.continue') : t('auth.signIn')}
          </button>
        </div>
        {step === 'password' && (
          <button type="button" className="link small" onClick={() => (setError(null), setResetting(true))}>
            {t('reset.link')}
          </button>
        )}
      </form>
    </AuthFrame>
  );
}

/** A new password with the one-time code an administrator issued on the server's machine. */
function PasswordResetForm({ initialUsername, onDone, onCancel }: { initialUsername: string; onDone: (username: string) => void; onCancel: () => void }) {
  const t = useT();
  const [f, setF] = useState({ username: initialUsername, code: '', password: '', again: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (f.password !== f.again) return setError(new Error(t('reset.mismatch')));
    setBusy(true);
    setError(null);
    try {
      await api.resetPassword({ username: f.username.trim(), code: f.code.trim(), password: f.password });
      onDone(f.username.trim());
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'throttled' ? new Error(t('auth.throttled')) : err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <AuthFrame title={t('reset.title')}>
      <p className="muted">{t('reset.intro')}</p>
      <form onSubmit={submit} className="stack" aria-label={t('reset.title')}>
        <label>
          {t('auth.username')}
          <input name="username" autoComplete="username" value={f.username} onChange={(e) => setF({ ...f, username: e.target.value })} required />
        </label>
        <label>
          {t('reset.code')}
          <input name="code" autoComplete="off" value={f.code} onChange={(e) => setF({ ...f, code: e.target.value })} required autoFocus />
        </label>
        <label>
          {t('reset.password')}
          <input name="password" type="password" autoComplete="new-password" minLength={10} value={f.password} onChange={(e) => setF({ ...f, password: e.target.value })} required />
          <small className="muted">{t('setup.passwordHint')}</small>
        </label>
        <label>
          {t('reset.again')}
          <input name="again" type="password" autoComplete="new-password" value={f.again} onChange={(e) => setF({ ...f, again: e.target.value })} required />
        </label>
        <ErrorNote error={error} />
        <div className="row">
          <button type="button" className="secondary" onClick={onCancel}>{t('auth.back')}</button>
          <button type="submit" disabled={busy}>{t('reset.submit')}</button>
        </div>
      </form>
    </AuthFrame>
  );
}

export function SetupScreen({ onDone }: { onDone: (username: string) => void }) {
  const t = useT();
  const [f, setF] = useState({ setupCode: '', username: '', displayName: '', password: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const bind = (k: keyof typeof f) => ({ name: k, value: f[k], onChange: (e: React.ChangeEvent<HTMLInputElement>) => setF({ ...f, [k]: e.target.value }) });
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.setup(f);
      onDone(f.username);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <AuthFrame title={t('setup.title')}>
      <p className="muted">{t('setup.intro')}</p>
      <form onSubmit={submit} className="stack">
        <label>
          {t('setup.code')}
          <input {...bind('setupCode')} autoComplete="off" required autoFocus />
        </label>
        <label>
          {t('auth.username')}
          <input {...bind('username')} autoComplete="username" required />
        </label>
        <label>
          {t('setup.displayName')}
          <input {...bind('displayName')} autoComplete="name" required />
        </label>
        <label>
          {t('auth.password')}
          <input {...bind('password')} type="password" autoComplete="new-password" minLength={12} required />
          <small className="muted">{t('setup.passwordHint')}</small>
        </label>
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>
          {t('setup.submit')}
        </button>
      </form>
    </AuthFrame>
  );
}

/** Enrolment: shows the secret and the otpauth link as text (no QR code), then confirms one code. */
export function TotpEnrol({ required, onDone }: { required?: boolean; onDone: () => void }) {
  const t = useT();
  const [enrol, setEnrol] = useState<{ secret: string; otpauthUrl: string } | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const body = (
    <div className="stack">
      {required && <p className="note note-info">{t('totp.required')}</p>}
      <p className="muted">{t('totp.intro')}</p>
      {!enrol ? (
        <button type="button" onClick={() => api.totpEnrol().then(setEnrol, setError)}>
          {t('totp.start')}
        </button>
      ) : (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            api.totpConfirm(code).then(onDone, setError);
          }}
        >
          <dl className="kv">
            <dt>{t('totp.secret')}</dt>
            <dd>
              <code className="secret" data-testid="totp-secret">
                {enrol.secret.match(/.{1,4}/g)?.join(' ')}
              </code>
            </dd>
            <dt>{t('totp.url')}</dt>
            <dd>
              <code className="wrap" data-testid="totp-url">
                {enrol.otpauthUrl}
              </code>
            </dd>
          </dl>
          <label>
            {t('auth.totp')}
            <input name="totp" inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))} required />
          </label>
          <button type="submit">{t('totp.confirm')}</button>
        </form>
      )}
      <ErrorNote error={error} />
    </div>
  );
  return required ? <AuthFrame title={t('totp.title')}>{body}</AuthFrame> : body;
}
