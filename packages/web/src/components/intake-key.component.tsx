// The staff member's intake key: made in the browser or opened from the key file of
// `custodia intake keygen`, stored only passphrase-protected, unlocked into the page's memory.
import { useState } from 'react';
import { api } from '../api.js';
import type { IntakeOverview } from '../api-types.js';
import { useI18n } from '../i18n/i18n.js';
import { ErrorNote } from './ui.component.js';
import { createProtectedIdentity, MIN_PASSPHRASE, unlockIdentity } from '../intake-crypto.js';

export interface UnlockedKey {
  identity: string;
  recipient: string;
}

/** Error codes thrown by intake-crypto, shown in the user's language. */
function useCryptoError() {
  const { t } = useI18n();
  return (e: unknown): Error => {
    const m = e instanceof Error ? e.message : String(e);
    if (m === 'wrong-passphrase') return new Error(t('intake.key.wrongPassphrase'));
    if (m === 'no-identity') return new Error(t('intake.key.noIdentity'));
    if (m.startsWith('passphrase-short')) return new Error(t('intake.key.short', { n: MIN_PASSPHRASE }));
    return e instanceof Error ? e : new Error(m);
  };
}

export function KeyCard({ overview, unlocked, onUnlocked, onStored }: { overview: IntakeOverview; unlocked: UnlockedKey | null; onUnlocked: (k: UnlockedKey | null) => void; onStored: () => void }) {
  const { t } = useI18n();
  const cryptoError = useCryptoError();
  const [pass, setPass] = useState('');
  const [pass2, setPass2] = useState('');
  const [file, setFile] = useState('');
  const [mode, setMode] = useState<'create' | 'import'>('create');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const stored = overview.identity;
  const run = (f: () => Promise<void>) => {
    setError(null);
    setBusy(true);
    // Let the "working" state paint before scrypt takes the main thread for a moment.
    setTimeout(() => void f().catch((e) => setError(cryptoError(e))).finally(() => setBusy(false)), 30);
  };

  if (unlocked) {
    return (
      <section className="card" aria-label={t('intake.key.title')}>
        <h2>{t('intake.key.title')}</h2>
        <p className="note note-ok" data-testid="intake-unlocked">{t('intake.key.unlocked')}</p>
        <p className="small">{t('intake.key.recipient')} <code className="mono" data-testid="intake-recipient">{unlocked.recipient}</code></p>
        <button type="button" className="secondary" onClick={() => onUnlocked(null)}>{t('intake.key.lock')}</button>
      </section>
    );
  }

  if (stored) {
    return (
      <section className="card" aria-label={t('intake.key.title')}>
        <h2>{t('intake.key.title')}</h2>
        <p className="small">{t('intake.key.recipient')} <code className="mono" data-testid="intake-recipient">{stored.recipient}</code></p>
        <p className="muted small">{t('intake.key.addHint', { recipient: stored.recipient })}</p>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            run(async () => {
              const k = await unlockIdentity(stored.protectedIdentity, pass);
              setPass('');
              onUnlocked(k);
            });
          }}
        >
          <label>
            {t('intake.key.passphrase')}
            <input type="password" autoComplete="current-password" value={pass} onChange={(e) => setPass(e.target.value)} required />
          </label>
          <button type="submit" disabled={busy}>{busy ? t('intake.key.working') : t('intake.key.unlock')}</button>
        </form>
        <ErrorNote error={error} />
      </section>
    );
  }

  return (
    <section className="card" aria-label={t('intake.key.title')}>
      <h2>{t('intake.key.title')}</h2>
      <p className="muted">{t('intake.key.none')}</p>
      <div className="inline-form" role="radiogroup" aria-label={t('intake.key.title')}>
        <label className="check"><input type="radio" checked={mode === 'create'} onChange={() => setMode('create')} /> {t('intake.key.create')}</label>
        <label className="check"><input type="radio" checked={mode === 'import'} onChange={() => setMode('import')} /> {t('intake.key.import')}</label>
      </div>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          run(async () => {
            let made: { recipient: string; protectedIdentity: string; identity: string };
            if (mode === 'create') {
              if (pass !== pass2) throw new Error(t('intake.key.mismatch'));
              made = await createProtectedIdentity(pass);
            } else {
              const k = await unlockIdentity(file, pass);
              made = { ...k, protectedIdentity: file.trim() };
            }
            await api.intakeStoreIdentity({ recipient: made.recipient, protectedIdentity: made.protectedIdentity });
            setPass('');
            setPass2('');
            onUnlocked({ identity: made.identity, recipient: made.recipient });
            onStored();
          });
        }}
      >
        {mode === 'import' && (
          <label className="wide">
            {t('intake.key.file')}
            <textarea rows={5} className="mono" value={file} onChange={(e) => setFile(e.target.value)} placeholder="-----BEGIN AGE ENCRYPTED FILE-----" required />
          </label>
        )}
        <label>
          {t('intake.key.passphrase')}
          <input type="password" autoComplete={mode === 'create' ? 'new-password' : 'current-password'} minLength={mode === 'create' ? MIN_PASSPHRASE : undefined} value={pass} onChange={(e) => setPass(e.target.value)} required />
        </label>
        {mode === 'create' && (
          <label>
            {t('intake.key.passphraseAgain')}
            <input type="password" autoComplete="new-password" value={pass2} onChange={(e) => setPass2(e.target.value)} required />
          </label>
        )}
        <button type="submit" disabled={busy}>{busy ? t('intake.key.working') : mode === 'create' ? t('intake.key.createButton') : t('intake.key.importButton')}</button>
      </form>
      <p className="muted small">{t('intake.key.explain')}</p>
      <ErrorNote error={error} />
    </section>
  );
}

