// Publication of an incident: a coordinator marks a verified incident public with a title and summary
// written for the public (never the internal description) and chooses which approved redactions go
// with it; and builds the case's public site, offered as a zip.
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import type { Id, PublicationInput, Role, SiteBuild } from '../api-types.js';
import { useI18n } from '../i18n/i18n.js';
import { can } from '../session.js';
import { useLoad } from '../use-load.js';
import { ErrorNote, Loading, Pill } from '../components/ui.component.js';

export function PublicationPanel({ caseId, incidentId, role }: { caseId: Id; incidentId: Id; role: Role | null | undefined }) {
  const { t, date } = useI18n();
  const d = useLoad(() => api.publication(incidentId), [incidentId]);
  const [form, setForm] = useState<PublicationInput | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (d.error) return <section className="card"><ErrorNote error={d.error} onRetry={d.reload} /></section>;
  if (!d.data) return <section className="card"><Loading /></section>;
  const { publication: p, publishable, canMark, reason } = d.data;
  const save = (f: PublicationInput) => {
    setError(null);
    api.markPublic(incidentId, { ...f, ...(p ? { version: p.version } : {}) }).then(() => (setForm(null), d.reload()), setError);
  };
  const unmark = () => {
    setError(null);
    if (confirm(t('pub.unmarkConfirm'))) api.unmarkPublic(incidentId).then(() => d.reload(), setError);
  };
  return (
    <section className="card stack" aria-label={t('pub.title')} data-testid="publication">
      <h2>{t('pub.title')} {p ? <Pill tone="ok">{t('pub.marked')}</Pill> : <Pill tone="quiet">{t('pub.notMarked')}</Pill>}</h2>
      {reason === 'not-verified' && <p className="muted">{t('pub.needsVerified')}</p>}
      {p && !form && (
        <>
          <dl className="kv">
            <div className="kv-row"><dt>{t('pub.publicTitle')}</dt><dd>{p.title}</dd></div>
            <div className="kv-row"><dt>{t('pub.summary')}</dt><dd className="prose">{p.summary}</dd></div>
            <div className="kv-row"><dt>{t('pub.videos')}</dt><dd>{p.redactionIds.length ? p.redactionIds.map((id) => `#${id}`).join(', ') : t('pub.noVideos')}</dd></div>
            <div className="kv-row"><dt>{t('pub.markedBy')}</dt><dd>{p.markedBy} · <span className="muted">{date(p.markedAt)}</span></dd></div>
          </dl>
        </>
      )}
      {form ? (
        <form
          className="stack"
          aria-label={t('pub.mark')}
          onSubmit={(e) => {
            e.preventDefault();
            save(form);
          }}
        >
          <p className="muted small">{t('pub.allowList')}</p>
          <label>
            {t('pub.publicTitle')}
            <input name="publicTitle" value={form.title} maxLength={300} required onChange={(e) => setForm({ ...form, title: e.target.value })} />
          </label>
          <label>
            {t('pub.summary')}
            <textarea name="publicSummary" rows={4} value={form.summary} maxLength={5000} required onChange={(e) => setForm({ ...form, summary: e.target.value })} />
          </label>
          <fieldset className="stack">
            <legend>{t('pub.videos')}</legend>
            {publishable.length === 0 && <p className="muted small">{t('pub.noApproved')}</p>}
            {publishable.map((r) => (
              <label key={r.id} className="check">
                <input
                  type="checkbox"
                  name={`redaction-${r.id}`}
                  checked={form.redactionIds.includes(r.id)}
                  onChange={(e) => setForm({ ...form, redactionIds: e.target.checked ? [...form.redactionIds, r.id] : form.redactionIds.filter((x) => x !== r.id) })}
                />
                #{r.id} {r.title || t('pub.untitled')} <code className="small">{r.outputSha256.slice(0, 12)}…</code>
              </label>
            ))}
          </fieldset>
          <ErrorNote error={error} />
          <div className="row">
            <button type="submit">{p ? t('common.save') : t('pub.mark')}</button>
            <button type="button" className="secondary" onClick={() => setForm(null)}>{t('common.cancel')}</button>
          </div>
        </form>
      ) : (
        canMark && (
          <>
            <ErrorNote error={error} />
            <div className="row">
              <button type="button" onClick={() => setForm(p ? { title: p.title, summary: p.summary, redactionIds: p.redactionIds } : { title: '', summary: '', redactionIds: [] })}>
                {p ? t('pub.edit') : t('pub.mark')}
              </button>
              {p && <button type="button" className="secondary" onClick={unmark}>{t('pub.unmark')}</button>}
            </div>
          </>
        )
      )}
      {can.manage(role) && <SiteBuilder caseId={caseId} />}
    </section>
  );
}

const pendingBuild = (b: SiteBuild | null | undefined): b is SiteBuild => !!b && (b.state === 'queued' || b.state === 'running');

/**
 * "Publish site": asks the server for a build of the case's public site (a worker builds it), follows
 * it until it is done or failed, and offers the zip of the latest site built.
 */
function SiteBuilder({ caseId }: { caseId: Id }) {
  const { t, date, bytes } = useI18n();
  const list = useLoad(() => api.publications(caseId), [caseId]);
  const [followed, setFollowed] = useState<SiteBuild | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const sites = list.data?.sites ?? [];
  // The build shown: the one this page asked for or follows, else the latest listed.
  const shown: SiteBuild | undefined = followed && (!sites[0] || followed.id >= sites[0].id) ? followed : sites[0];
  const latestDone = [shown, ...sites].find((b) => b?.state === 'done');
  const pending = pendingBuild(shown);
  useEffect(() => {
    if (!pendingBuild(shown)) return;
    let stop = false;
    const timer = setTimeout(() => {
      api.siteBuild(caseId, shown.id).then(
        (b) => {
          if (stop) return;
          setFollowed(b);
          if (!pendingBuild(b)) list.reload();
        },
        (e: unknown) => !stop && setError(e),
      );
    }, 1500);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [caseId, shown]);
  const build = () => {
    setBusy(true);
    setError(null);
    // Answers at once (queued, or the build of this case already on its way); the effect above follows it.
    api
      .buildSite(caseId)
      .then((r) => setFollowed(r.site), setError)
      .finally(() => setBusy(false));
  };
  const notes = shown?.state === 'done' ? [...shown.skipped.map((s) => `#${s.incident}${s.redaction !== null ? ` / #${s.redaction}` : ''}: ${s.reason}`), ...shown.warnings] : [];
  return (
    <div className="stack" data-testid="site-builder">
      <h3>{t('pub.site')}</h3>
      <p className="muted small">{t('pub.siteIntro', { n: list.data?.publications.length ?? 0 })}</p>
      <ErrorNote error={error} />
      {pending && (
        <p className="note note-info" data-testid="site-progress" aria-live="polite">
          {shown.state === 'queued' || !shown.progress
            ? t('pub.queued')
            : t('pub.running', { what: t(`pub.phase.${shown.progress.phase}`), done: shown.progress.done, total: shown.progress.total })}
          {shown.attempts > 1 && <> {t('pub.attempt', { n: shown.attempts, max: shown.maxAttempts })}</>}
          {shown.lastError && <span className="muted small"> {t('pub.lastAttempt', { reason: shown.lastError })}</span>}
        </p>
      )}
      {shown?.state === 'failed' && <p className="note note-error" data-testid="site-failure">{t('pub.failed', { reason: shown.error ?? '' })}</p>}
      {notes.length > 0 && <p className="small">{t('pub.skipped')}: {notes.join('; ')}</p>}
      <div className="row">
        <button type="button" disabled={busy || pending} onClick={build}>{busy || pending ? t('pub.building') : t('pub.build')}</button>
        {latestDone?.download && (
          <a className="button secondary" href={latestDone.download} download data-testid="site-download">
            {t('pub.download')}{latestDone.zipBytes !== null ? ` (${bytes(latestDone.zipBytes)})` : ''}
          </a>
        )}
      </div>
      {latestDone && (
        <p className="muted small">
          {t('pub.lastBuild', { incidents: latestDone.incidents ?? 0, videos: latestDone.videos ?? 0, by: latestDone.builtBy, at: date(latestDone.builtAt ?? latestDone.requestedAt), seq: String(latestDone.ledgerSeq ?? '') })}
        </p>
      )}
    </div>
  );
}
