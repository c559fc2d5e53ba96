// One proceeding: its status timeline, each event's claims (the source's exact words, the
// confidence, a link to the captured copy), what it relates to, and the forms to extend it.
import { useState } from 'react';
import { api, capturedCopyUrl } from '../api.js';
import { EVENT_STATUSES, type Claim, type EventStatus, type Id, type ProceedingDetail, type ProceedingEvent, type Role, type Source } from '../api-types.js';
import { formatClock, useI18n } from '../i18n/i18n.js';
import { href } from '../route.js';
import { can } from '../session.js';
import { useLoad } from '../use-load.js';
import { ClaimForm } from '../components/claim-form.component.js';
import { ErrorNote, Loading, PageHeader, Pill } from '../components/ui.component.js';
import { ProceedingForm } from './accountability.screen.js';

export function ProceedingScreen({ caseId, proceedingId, role }: { caseId: Id; proceedingId: Id; role: Role | null | undefined }) {
  const { t } = useI18n();
  const detail = useLoad(() => api.proceeding(proceedingId), [proceedingId]);
  const persons = useLoad(() => api.persons(caseId), [caseId]);
  const facilities = useLoad(() => api.facilities().catch(() => []), []);
  const sources = useLoad(() => api.sources(caseId), [caseId]);
  const [editing, setEditing] = useState(false);
  const d = detail.data;
  if (detail.error) return <ErrorNote error={detail.error} onRetry={detail.reload} />;
  if (!d) return <Loading />;
  const p = d.proceeding;
  const editable = d.canEdit && can.edit(role);
  const pseudonym = (id: number) => persons.data?.find((x) => String(x.id) === String(id))?.pseudonym ?? `#${id}`;
  const facility = p.facilityId == null ? null : (facilities.data?.find((x) => String(x.id) === String(p.facilityId))?.name ?? `#${p.facilityId}`);
  return (
    <>
      <p><a href={href.case(caseId, 'accountability')}>← {t('acc.back')}</a></p>
      <PageHeader title={p.title}>
        {editable && !editing && <button type="button" className="secondary" onClick={() => setEditing(true)}>{t('acc.edit')}</button>}
      </PageHeader>
      {editing ? (
        <ProceedingForm
          caseId={caseId}
          initial={{ ...p }}
          persons={persons.data ?? []}
          facilities={facilities.data ?? []}
          onDone={() => (setEditing(false), detail.reload())}
        />
      ) : (
        <dl className="card kv" data-testid="proceeding-facts">
          <dt>{t('acc.type')}</dt>
          <dd>{t(`acc.type.${p.type}`)} {p.sourceExposure && <Pill tone="warn">{t('acc.sourceExposure')}</Pill>}</dd>
          <dt>{t('acc.outcome')}</dt>
          <dd><Pill tone="info">{t(`acc.outcome.${p.outcome}`)}</Pill></dd>
          <dt>{t('acc.subjects')}</dt>
          <dd>{[...p.subjectIds.map(pseudonym), ...(p.unnamedSubjects > 0 ? [`+${p.unnamedSubjects}`] : [])].join(', ') || '—'}</dd>
          <dt>{t('acc.authority')}</dt>
          <dd>{p.authority ?? '—'}</dd>
          <dt>{t('acc.legalArticle')}</dt>
          <dd>{p.legalArticle ?? '—'}</dd>
          <dt>{t('acc.facility')}</dt>
          <dd>{facility ?? '—'}</dd>
        </dl>
      )}
      <section className="card" aria-label={t('acc.events')}>
        <h2>{t('acc.events')}</h2>
        {d.events.length === 0 ? (
          <p className="muted">{t('common.empty')}</p>
        ) : (
          <ol className="timeline-list" data-testid="proceeding-timeline">
            {d.events.map((e) => (
              <EventRow key={e.id} event={e} sources={[...d.sources, ...(sources.data ?? [])]} caseSources={sources.data ?? []} editable={editable} onChanged={detail.reload} />
            ))}
          </ol>
        )}
        {editable && <EventForm proceedingId={p.id} onDone={detail.reload} />}
      </section>
      {(d.links.length > 0 || editable) && (
        <section className="card" aria-label={t('acc.links')}>
          <h2>{t('acc.links')}</h2>
          {editable && <LinkForm caseId={caseId} proceedingId={p.id} onDone={detail.reload} />}
          <ul className="plain">
            {d.links.map((l) => (
              <li key={l.id}>
                {l.incidentId != null ? (
                  <a href={href.incident(caseId, l.incidentId)}>{l.incidentTitle ?? `#${l.incidentId}`}</a>
                ) : l.startSec != null ? (
                  <a href={href.item(caseId, l.itemId!, l.startSec)}>{t('acc.segment', { item: String(l.itemId), from: formatClock(l.startSec), to: formatClock(l.endSec) })}</a>
                ) : (
                  <a href={href.item(caseId, l.itemId!)}>{t('acc.item', { item: String(l.itemId) })}</a>
                )}
                {editable && (
                  <>
                    {' '}
                    <button type="button" className="link" onClick={() => api.unlinkProceeding(l.id).then(detail.reload, detail.reload)}>{t('acc.link.remove')}</button>
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function EventRow({ event: e, sources, caseSources, editable, onChanged }: { event: ProceedingEvent; sources: Source[]; caseSources: Source[]; editable: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const sourceOf = (id: number) => sources.find((s) => s.id === id);
  return (
    <li data-testid="proceeding-event">
      <span className="muted">{e.on ?? t('acc.unknownDate')}</span> <Pill tone="info">{t(`acc.status.${e.status}`)}</Pill> {e.summary}
      {e.claims.length > 0 && (
        <ul className="claims">
          {e.claims.map((c) => {
            const s = sourceOf(c.sourceId);
            return (
              <li key={c.id} data-testid="claim">
                {editable && <ClaimActions claim={c} onChanged={onChanged} />}
                <q>{c.quote}</q> <Pill tone={c.confidence === 'high' ? 'ok' : c.confidence === 'medium' ? 'info' : 'warn'}>{t('acc.claim.confidence')}: {t(`acc.confidence.${c.confidence}`)}</Pill>{' '}
                {s && (
                  <span className="muted">
                    — {s.url ? <a href={s.url} rel="noreferrer noopener" target="_blank">{s.title}</a> : s.title}
                    {s.publisher ? `, ${s.publisher}` : ''}
                    {s.sha256 && (
                      <>
                        {' · '}
                        <a href={capturedCopyUrl(s.id)} target="_blank" rel="noopener">{t('acc.source.view')}</a> · <a href={capturedCopyUrl(s.id, true)} download>{t('acc.source.download')}</a>
                      </>
                    )}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {editable && caseSources.length > 0 && <ClaimForm label={t('acc.claim.add')} sources={caseSources} submit={(f) => api.addClaim(e.id, f)} onDone={onChanged} />}
    </li>
  );
}

function LinkForm({ caseId, proceedingId, onDone }: { caseId: Id; proceedingId: number; onDone: () => void }) {
  const { t } = useI18n();
  const incidents = useLoad(() => api.incidents(caseId), [caseId]);
  const [incidentId, setIncidentId] = useState('');
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      {(incidents.data ?? []).length > 0 && (
        <form
          className="inline-form"
          aria-label={t('acc.link.add')}
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            if (incidentId) api.linkProceeding(proceedingId, { incidentId: Number(incidentId) }).then(() => (setIncidentId(''), onDone()), setError);
          }}
        >
          <label>
            {t('acc.link.incident')}
            <select value={incidentId} onChange={(e) => setIncidentId(e.target.value)} required>
              <option value="">—</option>
              {incidents.data!.map((i) => <option key={i.id} value={String(i.id)}>{i.title}</option>)}
            </select>
          </label>
          <button type="submit" className="secondary">{t('acc.link.add')}</button>
          <ErrorNote error={error} />
        </form>
      )}
      <SegmentLinkForm proceedingId={proceedingId} onDone={onDone} />
    </>
  );
}

/** Relates the proceeding to a segment of an evidence item: item id, start and end in seconds (both or neither). */
function SegmentLinkForm({ proceedingId, onDone }: { proceedingId: number; onDone: () => void }) {
  const { t } = useI18n();
  const [f, setF] = useState({ itemId: '', startSec: '', endSec: '' });
  const [error, setError] = useState<unknown>(null);
  return (
    <form
      className="inline-form"
      aria-label={t('acc.link.addSegment')}
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        const n = (v: string) => (v.trim() === '' ? null : Number(v));
        api.linkProceeding(proceedingId, { itemId: Number(f.itemId), startSec: n(f.startSec), endSec: n(f.endSec) }).then(() => (setF({ itemId: '', startSec: '', endSec: '' }), onDone()), setError);
      }}
    >
      <label>
        {t('acc.source.itemId')}
        <input name="segmentItemId" type="number" min={1} required value={f.itemId} onChange={(e) => setF({ ...f, itemId: e.target.value })} />
      </label>
      <label>
        {t('acc.link.start')}
        <input name="segmentStart" type="number" min={0} step="any" value={f.startSec} onChange={(e) => setF({ ...f, startSec: e.target.value })} />
      </label>
      <label>
        {t('acc.link.end')}
        <input name="segmentEnd" type="number" min={0} step="any" value={f.endSec} onChange={(e) => setF({ ...f, endSec: e.target.value })} />
      </label>
      <button type="submit" className="secondary">{t('acc.link.addSegment')}</button>
      <ErrorNote error={error} />
    </form>
  );
}

/** Edit a claim's words or confidence (a new version), or withdraw it (kept in its history, counted nowhere). */
function ClaimActions({ claim: c, onChanged }: { claim: Claim; onChanged: () => void }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const [f, setF] = useState({ quote: c.quote, confidence: c.confidence });
  const [error, setError] = useState<unknown>(null);
  const version = c.version !== undefined ? { version: c.version } : {};
  if (!editing) {
    return (
      <span className="claim-actions">
        <button type="button" className="link" onClick={() => setEditing(true)}>{t('acc.claim.edit')}</button>{' '}
        <button type="button" className="link" onClick={() => api.withdrawClaim(c.id, { reason: null, ...version }).then(onChanged, setError)}>{t('acc.claim.withdraw')}</button>{' '}
        <ErrorNote error={error} />
      </span>
    );
  }
  return (
    <form
      className="inline-form"
      aria-label={t('acc.claim.edit')}
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        api.patchClaim(c.id, { ...f, ...version }).then(() => (setEditing(false), onChanged()), setError);
      }}
    >
      <label>
        {t('acc.claim.quote')}
        <textarea name="quote" value={f.quote} onChange={(e) => setF({ ...f, quote: e.target.value })} required />
      </label>
      <label>
        {t('acc.claim.confidence')}
        <select name="confidence" value={f.confidence} onChange={(e) => setF({ ...f, confidence: e.target.value as Claim['confidence'] })}>
          {(['low', 'medium', 'high'] as const).map((x) => <option key={x} value={x}>{t(`acc.confidence.${x}`)}</option>)}
        </select>
      </label>
      <button type="submit">{t('common.save')}</button>
      <button type="button" className="secondary" onClick={() => setEditing(false)}>{t('common.cancel')}</button>
      <ErrorNote error={error} />
    </form>
  );
}

function EventForm({ proceedingId, onDone }: { proceedingId: number; onDone: () => void }) {
  const { t } = useI18n();
  const [f, setF] = useState({ on: '', status: 'opened' as EventStatus, summary: '' });
  const [error, setError] = useState<unknown>(null);
  return (
    <form
      className="inline-form"
      aria-label={t('acc.event.add')}
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        api.addEvent(proceedingId, { on: f.on.trim() || null, status: f.status, summary: f.summary }).then(() => (setF({ ...f, on: '', summary: '' }), onDone()), setError);
      }}
    >
      <label>
        {t('acc.event.on')}
        <input name="on" value={f.on} pattern="\d{4}(-\d{2}(-\d{2})?)?" onChange={(e) => setF({ ...f, on: e.target.value })} />
      </label>
      <label>
        {t('acc.status')}
        <select name="status" value={f.status} onChange={(e) => setF({ ...f, status: e.target.value as EventStatus })}>
          {EVENT_STATUSES.map((x) => <option key={x} value={x}>{t(`acc.status.${x}`)}</option>)}
        </select>
      </label>
      <label>
        {t('acc.event.summary')}
        <input name="summary" value={f.summary} onChange={(e) => setF({ ...f, summary: e.target.value })} required />
      </label>
      <button type="submit">{t('acc.event.add')}</button>
      <ErrorNote error={error} />
    </form>
  );
}

export type { ProceedingDetail };
