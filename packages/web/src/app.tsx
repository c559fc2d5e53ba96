// The app shell: resolves who is signed in (or whether setup is needed), then routes.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, setCsrfToken } from './api.js';
import type { CaseSummary, SessionInfo, UserSettings } from './api-types.js';
import { browserLocale, I18nProvider, LOCALES, makeI18n, useI18n, type Locale } from './i18n/i18n.js';
import { href, useRoute, type Route } from './route.js';
import { SessionContext, useSession } from './session.js';
import { useLoad } from './use-load.js';
import { SetupScreen, SignInScreen, TotpEnrol } from './screens/auth.screen.js';
import { ErrorNote, Loading } from './components/ui.component.js';
import { CasesScreen } from './screens/cases.screen.js';
import { DashboardScreen } from './screens/dashboard.screen.js';
import { MembersScreen } from './screens/members.screen.js';
import { ItemsScreen } from './screens/items.screen.js';
import { ItemScreen } from './screens/item.screen.js';
import { RedactionStudioScreen } from './screens/redaction-studio.screen.js';
import { IncidentsScreen, IncidentScreen } from './screens/incidents.screen.js';
import { FacilitiesScreen } from './screens/facilities.screen.js';
import { TaxonomyScreen } from './screens/taxonomy.screen.js';
import { PersonsScreen } from './screens/persons.screen.js';
import { LedgerScreen } from './screens/ledger.screen.js';
import { AccountabilityScreen } from './screens/accountability.screen.js';
import { ProceedingScreen } from './screens/proceeding.screen.js';
import { SettingsScreen, UsersScreen } from './screens/settings.screen.js';
import { IntakeScreen } from './screens/intake.screen.js';

type Phase =
  | { kind: 'loading' }
  | { kind: 'setup' }
  | { kind: 'signin'; username?: string }
  | { kind: 'enrol'; session: SessionInfo }
  | { kind: 'in'; session: SessionInfo }
  | { kind: 'error'; error: unknown };

const DEFAULT_SETTINGS: UserSettings = { revealMedia: false, locale: 'en' };

export function App() {
  const [locale, setLocaleState] = useState<Locale>(browserLocale);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });

  const resolve = useCallback(async (username?: string) => {
    try {
      const s = await api.session();
      setCsrfToken(s.csrfToken);
      if (s.user.settings?.locale) setLocaleState(s.user.settings.locale);
      const mustEnrol = s.totpEnrolmentRequired || s.restricted || (s.user.isAdmin && !s.user.totpEnabled);
      setPhase(mustEnrol ? { kind: 'enrol', session: s } : { kind: 'in', session: s });
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        try {
          const { needed } = await api.setupNeeded();
          setPhase(needed ? { kind: 'setup' } : { kind: 'signin', ...(username ? { username } : {}) });
        } catch (e2) {
          setPhase({ kind: 'error', error: e2 });
        }
      } else setPhase({ kind: 'error', error: e });
    }
  }, []);
  useEffect(() => void resolve(), [resolve]);

  const setLocale = useCallback(
    (l: Locale) => {
      setLocaleState(l);
      document.documentElement.lang = l;
      if (phase.kind === 'in') api.settings({ locale: l }).catch(() => undefined);
    },
    [phase.kind],
  );
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const i18n = useMemo(() => makeI18n(locale, setLocale), [locale, setLocale]);

  let body: React.ReactNode;
  switch (phase.kind) {
    case 'loading':
      body = <main className="auth"><Loading /></main>;
      break;
    case 'error':
      body = <main className="auth"><ErrorNote error={phase.error} onRetry={() => void resolve()} /></main>;
      break;
    case 'setup':
      body = <SetupScreen onDone={(u) => void resolve(u)} />;
      break;
    case 'signin':
      body = <SignInScreen initialUsername={phase.username} onSignedIn={() => void resolve()} />;
      break;
    case 'enrol':
      body = <TotpEnrol required onDone={() => void resolve()} />;
      break;
    case 'in':
      body = <SignedIn session={phase.session} onSession={(s) => setPhase({ kind: 'in', session: s })} onSignedOut={() => void resolve()} />;
      break;
  }
  return <I18nProvider value={i18n}>{body}</I18nProvider>;
}

function SignedIn({ session, onSession, onSignedOut }: { session: SessionInfo; onSession: (s: SessionInfo) => void; onSignedOut: () => void }) {
  const { setLocale } = useI18n();
  const settings: UserSettings = { ...DEFAULT_SETTINGS, ...session.user.settings };
  const ctx = {
    session,
    settings,
    updateSettings: async (s: Partial<UserSettings>) => {
      await api.settings(s);
      if (s.locale) setLocale(s.locale);
      onSession({ ...session, user: { ...session.user, settings: { ...settings, ...s } } });
    },
    signOut: async () => {
      await api.signOut().catch(() => undefined);
      setCsrfToken(null);
      onSignedOut();
    },
  };
  return (
    <SessionContext.Provider value={ctx}>
      <Shell />
    </SessionContext.Provider>
  );
}

function Shell() {
  const route = useRoute();
  const { t, locale, setLocale } = useI18n();
  const { session, signOut } = useSession();
  const cases = useLoad(() => api.cases(), [route.name === 'cases']);
  const caseId = 'caseId' in route ? route.caseId : undefined;
  const current: CaseSummary | undefined = cases.data?.find((c) => String(c.id) === caseId);
  return (
    <div className="shell">
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        {t('app.skip')}
      </a>
      <header className="topbar">
        <a className="brand" href={href.cases()}>
          <span className="brand-mark" aria-hidden="true" />
          {t('app.name')}
        </a>
        <nav aria-label="main" className="topnav">
          <a href={href.cases()} aria-current={route.name === 'cases' ? 'page' : undefined}>{t('nav.cases')}</a>
          <a href={href.facilities()} aria-current={route.name === 'facilities' ? 'page' : undefined}>{t('nav.facilities')}</a>
          <a href={href.taxonomy()} aria-current={route.name === 'taxonomy' ? 'page' : undefined}>{t('nav.taxonomy')}</a>
          {(session.user.isAdmin || cases.data?.some((c) => c.role === 'coordinator' || c.role === 'admin')) && (
            <a href={href.intake()} aria-current={route.name === 'intake' ? 'page' : undefined}>{t('nav.intake')}</a>
          )}
          {session.user.isAdmin && <a href={href.users()} aria-current={route.name === 'users' ? 'page' : undefined}>{t('nav.users')}</a>}
          <a href={href.settings()} aria-current={route.name === 'settings' ? 'page' : undefined}>{t('nav.settings')}</a>
        </nav>
        <div className="topbar-end">
          <select aria-label={t('nav.language')} value={locale} onChange={(e) => setLocale(e.target.value as Locale)} data-testid="language">
            {LOCALES.map((l) => (
              <option key={l.id} value={l.id}>{l.label}</option>
            ))}
          </select>
          <span className="whoami" data-testid="whoami">{session.user.displayName || session.user.username}</span>
          <button type="button" className="secondary small" onClick={() => void signOut()}>{t('nav.signOut')}</button>
        </div>
      </header>
      {caseId && (
        <nav className="casenav" aria-label="case">
          <span className="casenav-name">{current?.name ?? '…'}</span>
          {(['dashboard', 'items', 'incidents', 'persons', 'accountability', 'members', 'ledger'] as const).map((tab) => (
            <a
              key={tab}
              href={href.case(caseId, tab)}
              aria-current={(route.name === 'case' && route.tab === tab) || ((route.name === 'item' || route.name === 'redact') && tab === 'items') || (route.name === 'incident' && tab === 'incidents') || (route.name === 'proceeding' && tab === 'accountability') ? 'page' : undefined}
            >
              {t(`nav.${tab}`)}
            </a>
          ))}
          {current?.role && <span className="casenav-role">{t(`role.${current.role}`)}</span>}
        </nav>
      )}
      <main id="main" tabIndex={-1} className="content">
        <Screen route={route} role={current?.role ?? (session.user.isAdmin ? 'admin' : null)} cases={cases} />
      </main>
    </div>
  );
}

function Screen({ route, role, cases }: { route: Route; role: CaseSummary['role']; cases: ReturnType<typeof useLoad<CaseSummary[]>> }) {
  switch (route.name) {
    case 'cases':
      return <CasesScreen cases={cases} />;
    case 'case':
      switch (route.tab) {
        case 'dashboard':
          return <DashboardScreen caseId={route.caseId} />;
        case 'items':
          return <ItemsScreen caseId={route.caseId} />;
        case 'incidents':
          return <IncidentsScreen caseId={route.caseId} role={role} />;
        case 'persons':
          return <PersonsScreen caseId={route.caseId} role={role} />;
        case 'accountability':
          return <AccountabilityScreen caseId={route.caseId} role={role} />;
        case 'members':
          return <MembersScreen caseId={route.caseId} role={role} />;
        case 'ledger':
          return <LedgerScreen caseId={route.caseId} />;
      }
      break;
    case 'item':
      return <ItemScreen key={route.itemId} caseId={route.caseId} itemId={route.itemId} startAt={route.t} role={role} />;
    case 'redact':
      return <RedactionStudioScreen key={route.itemId} caseId={route.caseId} itemId={route.itemId} redactionId={route.redactionId} role={role} />;
    case 'incident':
      return <IncidentScreen key={route.incidentId} caseId={route.caseId} incidentId={route.incidentId} role={role} />;
    case 'proceeding':
      return <ProceedingScreen key={route.proceedingId} caseId={route.caseId} proceedingId={route.proceedingId} role={role} />;
    case 'facilities':
      return <FacilitiesScreen />;
    case 'taxonomy':
      return <TaxonomyScreen />;
    case 'users':
      return <UsersScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'intake':
      return <IntakeScreen cases={cases} />;
  }
  return null;
}

export { TotpEnrol };
