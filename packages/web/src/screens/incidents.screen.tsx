// Incidents: the list, a form for a new one, and the detail with the review workflow
// (unreviewed → in review → verified | disputed; verification by a second person, with a checklist).
import { useState } from 'react';
import { api } from '../api.js';
import type { ChecklistPart, Id, Incident, IncidentInput, ReviewInput, Role } from '../api-types.js';
import { formatClock, useI18n } from '../i18n/i18n.js';
import { href } from '../route.js';
import { can, useSession } from '../session.js';
import { useLoad } from '../use-load.js';
import { ChipSelect, ErrorNote, Loading, PageHeader, Pill, statusTone } from '../components/ui.component.js';
import { termLabel } from './annotation-panel.screen.js';
import { PublicationPanel } from './publication-panel.screen.js';
import { pickable } from '../facility-picker.js';

const EMPTY: IncidentInput = { title: '', timeSource: 'manual', victimIds: [], perpetratorIds: [], termIds: [], description: '', place: '', occurredFrom: null, occurredTo: null, facilityId: null };

export function IncidentsScreen({ caseId, role }: { caseId: Id; role: Role | null | undefined }) {
  const { t, date } = useI18n();
  const list = useLoad(() => api.incidents(caseId), [caseId]);
  const [showForm, setShowForm] = useState(false);
  return (
    <>
      <PageHeader title={t('inc.title')}>
        {can.edit(role) && !showForm && <button type="button" onClick={() => setShowForm(true)}>{t('inc.create')}</button>}
      </PageHeader>
      {showForm && <IncidentForm caseId={caseId} onDone={(i) => (i ? (location.hash = href.incident(caseId, i.id)) : setShowForm(false))} />}
      <ErrorNote error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (list.data ?? []).length === 0 ? (
        <p className="muted">{t('inc.none')}</p>
      ) : (
        <table className="table" data-testid="incidents">
          <thead>
            <tr>
              <th>{t('inc.name')}</th>
              <th>{t('inc.status')}</th>
              <th>{t('inc.from')}</th>
              <th>{t('inc.place')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data!.map((i) => (
              <tr key={i.id}>
                <td><a href={href.incident(caseId, i.id)}>{i.title}</a></td>
                <td><Pill tone={statusTone(i.status)}>{t(`inc.status.${i.status}`)}</Pill></td>
                <td>{date(i.occurredFrom ?? null)}</td>
                <td>{i.place ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function IncidentForm({ caseId, initial, onDone }: { caseId: Id; initial?: Incident; onDone: (i: Incident | null) => void }) {
  const { t, locale } = useI18n();
  const [f, setF] = useState<IncidentInput>(initial ? { ...EMPTY, ...initial } : EMPTY);
  const [error, setError] = useState<unknown>(null);
  const terms = useLoad(() => api.taxonomy(), []);
  const persons = useLoad(() => api.persons(caseId).catch(() => []), [caseId]);
  const facilities = useLoad(() => api.facilities().catch(() => []), []);
  const victims = (persons.data ?? []).filter((p) => p.role === 'victim' || p.role === 'witness' || p.role === 'other');
  const perps = (persons.data ?? []).filter((p) => p.role === 'perpetrator' || p.role === 'official');
  const toIso = (v: string) => (v ? new Date(v).toISOString() : null);
  const fromIso = (v: string | null | undefined) => (v ? new Date(v).toISOString().slice(0, 16) : '');
  return (
    <form
      className="card stack"
      aria-label={t('inc.create')}
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        const body = { ...f, place: f.place || null, facilityId: f.facilityId ? Number(f.facilityId) : null };
        (initial ? api.patchIncident(initial.id, body) : api.createIncident(caseId, body)).then(onDone, setError);
      }}
    >
      <label>
        {t('inc.name')}
        <input name="title" value={f.title} onChange={(e) => setF({ ...f, title: e.target.value })} required />
      </label>
      <div className="grid-3">
        <label>
          {t('inc.facility')}
          <select name="facilityId" value={f.facilityId ?? ''} onChange={(e) => setF({ ...f, facilityId: e.target.value || null })}>
            <option value="">—</option>
            {pickable(facilities.data ?? [], [f.facilityId]).map((x) => <option key={x.id} value={x.id}>{t(`fac.kind.${x.kind}`)}: {x.name}</option>)}
          </select>
        </label>
        <label>
          {t('inc.place')}
          <input name="place" value={f.place ?? ''} onChange={(e) => setF({ ...f, place: e.target.value })} />
        </label>
        <label>
          {t('inc.timeSource')}
          <select name="timeSource" value={f.timeSource} onChange={(e) => setF({ ...f, timeSource: e.target.value as IncidentInput['timeSource'] })}>
            {(['overlay', 'metadata', 'manual'] as const).map((s) => <option key={s} value={s}>{t(`inc.timeSource.${s}`)}</option>)}
          </select>
        </label>
        <label>
          {t('inc.from')}
          <input type="datetime-local" value={fromIso(f.occurredFrom)} onChange={(e) => setF({ ...f, occurredFrom: toIso(e.target.value) })} />
        </label>
        <label>
          {t('inc.to')}
          <input type="datetime-local" value={fromIso(f.occurredTo)} onChange={(e) => setF({ ...f, occurredTo: toIso(e.target.value) })} />
        </label>
      </div>
      <ChipSelect label={t('inc.types')} options={(terms.data ?? []).filter((x) => x.kind === 'ill-treatment' && (!x.archived || f.termIds.includes(x.id)))} value={f.termIds} onChange={(termIds) => setF({ ...f, termIds })} render={(x) => termLabel(x, locale)} />
      {victims.length > 0 && <ChipSelect label={t('inc.victims')} options={victims} value={f.victimIds} onChange={(victimIds) => setF({ ...f, victimIds })} render={(x) => x.pseudonym} />}
      {perps.length > 0 && <ChipSelect label={t('inc.perpetrators')} options={perps} value={f.perpetratorIds} onChange={(perpetratorIds) => setF({ ...f, perpetratorIds })} render={(x) => x.pseudonym} />}
      <label>
        {t('inc.description')}
        <textarea name="description" rows={4} value={f.description} onChange={(e) => setF({ ...f, description: e.target.value })} />
      </label>
      <ErrorNote error={error} />
      <div className="row">
        <button type="submit">{initial ? t('common.save') : t('common.create')}</button>
        <button type="button" className="secondary" onClick={() => onDone(null)}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

const PARTS = ['source', 'technical', 'content'] as const;

export function IncidentScreen({ caseId, incidentId, role }: { caseId: string; incidentId: string; role: Role | null | undefined }) {
  const { t, date, locale } = useI18n();
  const { session } = useSession();
  const inc = useLoad(() => api.incident(incidentId), [incidentId]);
  const terms = useLoad(() => api.taxonomy().catch(() => []), []);
  const persons = useLoad(() => api.persons(caseId).catch(() => []), [caseId]);
  const [checklist, setChecklist] = useState<Record<(typeof PARTS)[number], ChecklistPart>>({ source: { done: false, note: '' }, technical: { done: false, note: '' }, content: { done: false, note: '' } });
  const [confidence, setConfidence] = useState<'low' | 'medium' | 'high'>('medium');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState(false);
  if (inc.error) return <ErrorNote error={inc.error} onRetry={inc.reload} />;
  if (!inc.data) return <Loading />;
  const i = inc.data;
  // The server says what this user may do next; without it, the same rules are applied here.
  const me = session.user.username;
  const isAuthor = me === i.createdBy || me === i.submittedBy;
  const allowed = (a: ReviewInput['action']) =>
    i.allowedActions
      ? i.allowedActions.includes(a)
      : a === 'submit'
        ? can.edit(role) && i.status === 'unreviewed'
        : a === 'reopen'
          ? (can.edit(role) || can.review(role)) && (i.status === 'verified' || i.status === 'disputed')
          : can.review(role) && i.status === 'in-review' && !isAuthor;
  const act = (action: ReviewInput['action']) => {
    setError(null);
    const body: ReviewInput = action === 'verify' || action === 'dispute' ? { action, version: i.version, checklist, confidence, note } : { action, version: i.version, note };
    api.review(i.id, body).then(() => (setNote(''), inc.reload()), setError);
  };
  const reviewing = allowed('verify') || allowed('dispute');
  const allChecked = PARTS.every((p) => checklist[p].done);
  const termsById = new Map((terms.data ?? []).map((x) => [String(x.id), x]));
  const personsById = new Map((persons.data ?? []).map((x) => [String(x.id), x]));
  if (editing) return <IncidentForm caseId={caseId} initial={i} onDone={() => (setEditing(false), inc.reload())} />;
  return (
    <div className="incident">
      <PageHeader title={i.title}>
        <Pill tone={statusTone(i.status)}><span data-testid="incident-status">{t(`inc.status.${i.status}`)}</span></Pill>
        {(i.canEdit ?? (can.edit(role) && i.status === 'unreviewed')) && <button type="button" className="secondary" onClick={() => setEditing(true)}>{t('common.edit')}</button>}
      </PageHeader>
      <div className="item-grid">
        <section className="card">
          <dl className="kv">
            <div className="kv-row"><dt>{t('inc.place')}</dt><dd>{i.place || '—'}</dd></div>
            <div className="kv-row"><dt>{t('inc.from')}</dt><dd>{date(i.occurredFrom)}</dd></div>
            <div className="kv-row"><dt>{t('inc.to')}</dt><dd>{date(i.occurredTo)}</dd></div>
            <div className="kv-row"><dt>{t('inc.timeSource')}</dt><dd>{t(`inc.timeSource.${i.timeSource}`)}</dd></div>
            <div className="kv-row"><dt>{t('inc.types')}</dt><dd>{i.termIds.map((id) => <Pill key={id} tone="info">{termLabel(termsById.get(String(id)), locale)}</Pill>)}</dd></div>
            <div className="kv-row"><dt>{t('inc.victims')}</dt><dd>{i.victimIds.map((id) => personsById.get(String(id))?.pseudonym ?? id).join(', ') || '—'}</dd></div>
            <div className="kv-row"><dt>{t('inc.perpetrators')}</dt><dd>{i.perpetratorIds.map((id) => personsById.get(String(id))?.pseudonym ?? id).join(', ') || '—'}</dd></div>
          </dl>
          <h3>{t('inc.description')}</h3>
          <p className="prose">{i.description || '—'}</p>
          <h3>{t('inc.segments')}</h3>
          <ul className="plain">
            {(i.segments ?? []).map((s, k) => (
              <li key={k} data-testid="incident-segment">
                <a href={href.item(caseId, s.itemId, s.startSec)}>{formatClock(s.startSec, true)} – {formatClock(s.endSec, true)}</a>
                {s.id != null && (i.canEdit ?? (can.edit(role) && i.status === 'unreviewed')) && (
                  <button
                    type="button"
                    className="link small danger-link"
                    data-testid="segment-remove"
                    onClick={() => {
                      if (!confirm(t('inc.confirmRemoveSegment'))) return;
                      setError(null);
                      api.removeSegment(i.id, s.id!, i.version).then(() => inc.reload(), setError);
                    }}
                  >
                    {t('inc.removeSegment')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
        <section className="card review" aria-label={t('inc.review')}>
          <h2>{t('inc.review')}</h2>
          {i.confidence && <p>{t('inc.confidence')}: <strong>{t(`inc.confidence.${i.confidence}`)}</strong></p>}
          {i.status === 'in-review' && !reviewing && <p className="muted">{t('inc.secondPerson')}</p>}
          {reviewing && (
            <fieldset className="stack checklist">
              <legend>{t('inc.checklist')}</legend>
              {PARTS.map((p) => (
                <div key={p} className="check-item">
                  <label className="check">
                    <input type="checkbox" name={`check-${p}`} checked={checklist[p].done} onChange={(e) => setChecklist({ ...checklist, [p]: { ...checklist[p], done: e.target.checked } })} />
                    {t(`inc.check.${p}`)}
                  </label>
                  <input aria-label={`${t(`inc.check.${p}`)} — ${t('per.notes')}`} placeholder={t('per.notes')} value={checklist[p].note ?? ''} onChange={(e) => setChecklist({ ...checklist, [p]: { ...checklist[p], note: e.target.value } })} />
                </div>
              ))}
              <label>
                {t('inc.confidence')}
                <select name="confidence" value={confidence} onChange={(e) => setConfidence(e.target.value as typeof confidence)}>
                  {(['low', 'medium', 'high'] as const).map((c) => <option key={c} value={c}>{t(`inc.confidence.${c}`)}</option>)}
                </select>
              </label>
            </fieldset>
          )}
          {(reviewing || allowed('submit') || allowed('reopen')) && (
            <label>
              {t('inc.reviewNote')}
              <textarea name="reviewNote" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
            </label>
          )}
          <ErrorNote error={error} />
          <div className="row">
            {allowed('submit') && <button type="button" onClick={() => act('submit')}>{t('inc.submit')}</button>}
            {allowed('verify') && <button type="button" disabled={!allChecked} onClick={() => act('verify')}>{t('inc.verify')}</button>}
            {allowed('dispute') && <button type="button" className="danger" onClick={() => act('dispute')}>{t('inc.dispute')}</button>}
            {allowed('reopen') && <button type="button" className="secondary" onClick={() => act('reopen')}>{t('inc.reopen')}</button>}
          </div>
          {(i.reviews ?? []).length > 0 && (
            <>
              <h3>{t('inc.history')}</h3>
              <ol className="plain">
                {i.reviews!.map((r, k) => (
                  <li key={k}>
                    <strong>{t(`inc.action.${r.action as ReviewInput['action']}`)}</strong> · {r.reviewer ?? r.actor} · <span className="muted">{date(r.createdAt ?? r.time)}</span>
                    {r.confidence && <> · {t('inc.confidence')}: {t(`inc.confidence.${r.confidence as 'low'}`)}</>}
                    {r.checklist && (
                      <div className="small">
                        {PARTS.map((p) => {
                          const part = r.checklist![p];
                          return <Pill key={p} tone={part.done ? 'ok' : 'quiet'}>{part.done ? '✓' : '○'} {t(`inc.part.${p}`)}</Pill>;
                        })}
                      </div>
                    )}
                    {r.note && <p className="ann-note">{r.note}</p>}
                  </li>
                ))}
              </ol>
            </>
          )}
        </section>
      </div>
      <PublicationPanel caseId={caseId} incidentId={i.id} role={role} />
    </div>
  );
}
