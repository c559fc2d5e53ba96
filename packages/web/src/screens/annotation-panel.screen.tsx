// Marks a time range on the item, tags it with taxonomy terms, links persons and an incident; edits
// (a new version, the old kept) and deletes annotations. Every change is ledgered by the server.
import { useState } from 'react';
import { api } from '../api.js';
import type { Annotation, Id, Term } from '../api-types.js';
import { formatClock, useI18n } from '../i18n/i18n.js';
import { href } from '../route.js';
import { useLoad } from '../use-load.js';
import { ChipSelect, ErrorNote, Pill } from '../components/ui.component.js';

export function termLabel(term: Term | undefined, locale: string): string {
  if (!term) return '?';
  return (locale === 'ru' ? term.labels.ru : term.labels.en) || term.labels.en || term.key;
}

export function AnnotationPanel(p: {
  caseId: Id;
  itemId: Id;
  readOnly: boolean;
  annotations: Annotation[];
  markIn: number | null;
  markOut: number | null;
  setMarkIn: (t: number | null) => void;
  setMarkOut: (t: number | null) => void;
  current: () => number;
  onSeek: (t: number) => void;
  onSaved: () => void;
}) {
  const { t, locale } = useI18n();
  const terms = useLoad(() => api.taxonomy(), []);
  const persons = useLoad(() => api.persons(p.caseId).catch(() => []), [p.caseId]);
  const incidents = useLoad(() => api.incidents(p.caseId).catch(() => []), [p.caseId]);
  const [termIds, setTermIds] = useState<Id[]>([]);
  const [personIds, setPersonIds] = useState<Id[]>([]);
  const [incidentId, setIncidentId] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // The annotation being edited (the form then saves a new version of it), or null for a new one.
  const [editing, setEditing] = useState<Annotation | null>(null);
  // Retired terms are offered no more, except where they already tag this annotation.
  const ill = (terms.data ?? []).filter((x) => x.kind === 'ill-treatment' && (!x.archived || termIds.includes(x.id)));
  const byId = new Map((terms.data ?? []).map((x) => [String(x.id), x]));
  const valid = p.markIn !== null && p.markOut !== null && p.markOut > p.markIn;

  function reset() {
    setEditing(null);
    setTermIds([]);
    setPersonIds([]);
    setIncidentId('');
    setNote('');
    p.setMarkIn(null);
    p.setMarkOut(null);
  }

  function startEdit(a: Annotation) {
    setError(null);
    setEditing(a);
    setTermIds(a.termIds);
    setPersonIds(a.personIds ?? []);
    setIncidentId(a.incidentId ? String(a.incidentId) : '');
    setNote(a.note ?? '');
    p.setMarkIn(a.startSec);
    p.setMarkOut(a.endSec);
    p.onSeek(a.startSec);
  }

  async function remove(a: Annotation) {
    if (!confirm(t('ann.confirmDelete'))) return;
    setError(null);
    try {
      await api.deleteAnnotation(a.id, a.version);
      if (editing?.id === a.id) reset();
      p.onSaved();
    } catch (e) {
      setError(e);
    }
  }

  async function save(newIncident: boolean) {
    if (!valid) return setError(new Error(t('ann.invalidRange')));
    setBusy(true);
    setError(null);
    try {
      if (editing) {
        await api.patchAnnotation(editing.id, {
          startSec: p.markIn!, endSec: p.markOut!, termIds, personIds, incidentId: incidentId ? Number(incidentId) : null, note,
          ...(editing.version !== undefined ? { version: editing.version } : {}),
        });
        reset();
        p.onSaved();
        return;
      }
      let inc: Id | null = incidentId ? Number(incidentId) : null;
      if (newIncident) {
        // The segment's time by the overlay clock (or the file's metadata) when known; else the analyst sets it.
        const [from, to] = await Promise.all([api.itemTime(p.itemId, p.markIn!), api.itemTime(p.itemId, p.markOut!)]);
        const known = from.time !== null && to.time !== null && from.source !== null && from.source === to.source;
        const created = await api.createIncident(p.caseId, {
          title: note.split('\n')[0]?.slice(0, 120) || ill.filter((x) => termIds.includes(x.id)).map((x) => termLabel(x, locale)).join(', ') || t('inc.create'),
          timeSource: known ? from.source! : 'manual',
          ...(known ? { occurredFrom: from.time, occurredTo: to.time } : {}),
          victimIds: (persons.data ?? []).filter((x) => personIds.includes(x.id) && x.role === 'victim').map((x) => x.id),
          perpetratorIds: (persons.data ?? []).filter((x) => personIds.includes(x.id) && (x.role === 'perpetrator' || x.role === 'official')).map((x) => x.id),
          termIds,
          description: note,
        });
        inc = created.id;
      }
      const a = await api.createAnnotation(p.itemId, { startSec: p.markIn!, endSec: p.markOut!, termIds, personIds, incidentId: inc, note });
      if (newIncident && inc) await api.addSegment(inc, { itemId: p.itemId, startSec: p.markIn!, endSec: p.markOut!, annotationId: a.id });
      setTermIds([]);
      setPersonIds([]);
      setNote('');
      p.setMarkIn(null);
      p.setMarkOut(null);
      p.onSaved();
      incidents.reload();
      if (newIncident && inc) location.hash = href.incident(p.caseId, inc);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card annotations" aria-label={t('ann.title')}>
      <h2>{t('ann.title')}</h2>
      <ul className="ann-list" data-testid="annotations">
        {p.annotations.length === 0 && <li className="muted">{t('ann.none')}</li>}
        {p.annotations.map((a) => (
          <li key={a.id}>
            <button type="button" className="link timecode" onClick={() => p.onSeek(a.startSec)}>
              {t('ann.range', { start: formatClock(a.startSec, true), end: formatClock(a.endSec, true) })}
            </button>
            {a.termIds.map((id) => <Pill key={id} tone="info">{termLabel(byId.get(String(id)), locale)}</Pill>)}
            {a.incidentId && <a href={href.incident(p.caseId, a.incidentId)} className="small">{t('ann.incident')}</a>}
            {a.note && <p className="ann-note">{a.note}</p>}
            {!p.readOnly && (
              <span className="row-actions">
                <button type="button" className="link small" onClick={() => startEdit(a)} aria-label={t('ann.edit')} data-testid="annotation-edit">{t('common.edit')}</button>
                <button type="button" className="link small danger-link" onClick={() => void remove(a)} aria-label={t('ann.delete')} data-testid="annotation-delete">{t('common.delete')}</button>
              </span>
            )}
          </li>
        ))}
      </ul>
      {!p.readOnly && (
        <form className="stack ann-form" onSubmit={(e) => (e.preventDefault(), void save(false))} data-testid="annotation-form">
          {editing && (
            <p className="note" data-testid="annotation-editing">
              {t('ann.editing', { start: formatClock(editing.startSec, true), end: formatClock(editing.endSec, true) })}
            </p>
          )}
          <div className="row">
            <button type="button" className="secondary" onClick={() => p.setMarkIn(p.current())}>{t('ann.setIn')}</button>
            <span className="timecode" data-testid="mark-in">{t('ann.in')}: {formatClock(p.markIn, true)}</span>
            <button type="button" className="secondary" onClick={() => p.setMarkOut(p.current())}>{t('ann.setOut')}</button>
            <span className="timecode" data-testid="mark-out">{t('ann.out')}: {formatClock(p.markOut, true)}</span>
          </div>
          <ChipSelect label={t('ann.terms')} options={ill} value={termIds} onChange={setTermIds} render={(x) => termLabel(x, locale)} />
          {(persons.data ?? []).length > 0 && (
            <ChipSelect label={t('ann.persons')} options={persons.data!} value={personIds} onChange={setPersonIds} render={(x) => `${x.pseudonym} (${t(`per.role.${x.role as 'victim'}`)})`} />
          )}
          <label>
            {t('ann.incident')}
            <select name="incidentId" value={incidentId} onChange={(e) => setIncidentId(e.target.value)}>
              <option value="">{t('common.none')}</option>
              {(incidents.data ?? []).map((i) => <option key={i.id} value={i.id}>{i.title}</option>)}
            </select>
          </label>
          <label>
            {t('ann.note')}
            <textarea name="note" rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <ErrorNote error={error ?? terms.error} />
          <div className="row">
            <button type="submit" disabled={busy || !valid}>{editing ? t('ann.update') : t('ann.save')}</button>
            {editing ? (
              <button type="button" className="secondary" disabled={busy} onClick={reset}>{t('common.cancel')}</button>
            ) : (
              <button type="button" className="secondary" disabled={busy || !valid} onClick={() => void save(true)}>{t('ann.newIncident')}</button>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
