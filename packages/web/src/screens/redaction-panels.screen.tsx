// The studio's side panels: the item's redactions, face suggestions, sound, clip and overlay
// choices, save and render, the rendered output, and the second person's review.
import { useState } from 'react';
import type { Id, Redaction, RedactionBox, RedactionRecipe, RedactionSuggestions } from '../api-types.js';
import { formatClock, useI18n } from '../i18n/i18n.js';
import { href } from '../route.js';
import { Reveal } from '../components/reveal.component.js';
import { ErrorNote, Pill } from '../components/ui.component.js';
import { statusToneOf } from '../components/redaction-recipe.model.js';

const secs = (v: string) => Math.max(0, Math.round(Number(v) * 1000) / 1000);

function TimeField({ label, value, onChange, now, disabled, testid }: { label: string; value: number; onChange: (v: number) => void; now: () => number; disabled: boolean; testid?: string }) {
  const { t } = useI18n();
  return (
    <label className="time-field">
      {label}
      <span className="row">
        <input type="number" min={0} step={0.1} value={value} disabled={disabled} onChange={(e) => onChange(secs(e.target.value))} data-testid={testid} />
        <button type="button" className="secondary small" disabled={disabled} onClick={() => onChange(Math.round(now() * 1000) / 1000)}>{t('redact.now')}</button>
      </span>
    </label>
  );
}

export function RedactionSidePanels(p: {
  caseId: Id;
  itemId: Id;
  redactions: Redaction[];
  saved: Redaction | null;
  recipe: RedactionRecipe;
  setRecipe: (f: (r: RedactionRecipe) => RedactionRecipe) => void;
  title: string;
  setTitle: (s: string) => void;
  suggestions: RedactionSuggestions | null;
  onAccept: (boxes: RedactionBox[]) => void;
  editable: boolean;
  dirty: boolean;
  busy: null | 'save' | 'render' | 'review';
  now: () => number;
  onNew: () => void;
  onSave: () => void;
  onRender: () => void;
  onReview: (decision: 'approve' | 'reject', note: string) => void;
  error: unknown;
  outputUrl: string | null;
}) {
  const { t, date } = useI18n();
  const { recipe, setRecipe, editable, saved } = p;
  const [note, setNote] = useState('');
  const setAudio = (f: (a: RedactionRecipe['audio']) => RedactionRecipe['audio']) => setRecipe((r) => ({ ...r, audio: f(r.audio) }));
  const mute = recipe.audio.mute;
  return (
    <>
      <section className="card" aria-label={t('redact.list')}>
        <h2>{t('redact.list')}</h2>
        <ul className="plain redaction-list" data-testid="redaction-list">
          {p.redactions.map((r) => (
            <li key={r.id} className={saved && String(saved.id) === String(r.id) ? 'is-current' : ''}>
              <a href={href.redact(p.caseId, p.itemId, r.id)}>{r.title || t('redact.untitled', { id: String(r.id) })}</a>{' '}
              <span className="muted small">v{r.version}</span> <Pill tone={statusToneOf(r.status)}>{t(`redact.status.${r.status}`)}</Pill>
            </li>
          ))}
        </ul>
        {saved && <a href={href.redact(p.caseId, p.itemId)} onClick={p.onNew}>{t('redact.new')}</a>}
      </section>

      <section className="card" aria-label={t('redact.recipe')}>
        <label>
          {t('redact.name')}
          <input value={p.title} maxLength={300} disabled={!editable} onChange={(e) => p.setTitle(e.target.value)} data-testid="redaction-title" />
        </label>
        <h3>{t('redact.faces')}</h3>
        {p.suggestions && p.suggestions.boxes.length > 0 ? (
          <p>
            {t('redact.facesFound', { tracks: p.suggestions.boxes.length, detections: p.suggestions.detections })}{' '}
            <button type="button" className="secondary small" disabled={!editable} onClick={() => p.onAccept(p.suggestions!.boxes)} data-testid="accept-faces">{t('redact.acceptFaces')}</button>
          </p>
        ) : (
          <p className="muted small">{t('redact.noFaces')}</p>
        )}

        <h3>{t('redact.sound')}</h3>
        <ul className="plain mute-list">
          {mute.map((m, i) => (
            <li key={i} className="row wrap">
              <TimeField label={t('redact.from')} value={m.start} now={p.now} disabled={!editable} onChange={(v) => setAudio((a) => ({ ...a, mute: a.mute.map((x, j) => (j === i ? { ...x, start: v } : x)) }))} />
              <TimeField label={t('redact.to')} value={m.end} now={p.now} disabled={!editable} onChange={(v) => setAudio((a) => ({ ...a, mute: a.mute.map((x, j) => (j === i ? { ...x, end: v } : x)) }))} />
              <button type="button" className="link" disabled={!editable} onClick={() => setAudio((a) => ({ ...a, mute: a.mute.filter((_, j) => j !== i) }))}>{t('common.remove')}</button>
            </li>
          ))}
        </ul>
        <div className="row wrap">
          <button type="button" className="secondary small" disabled={!editable} onClick={() => setAudio((a) => ({ ...a, mute: [...a.mute, { start: Math.round(p.now() * 1000) / 1000, end: Math.round((p.now() + 2) * 1000) / 1000 }] }))} data-testid="add-mute">
            {t('redact.addMute')}
          </button>
          <label className="inline">
            <input type="checkbox" checked={recipe.audio.bleep} disabled={!editable} onChange={(e) => setAudio((a) => ({ ...a, bleep: e.target.checked }))} /> {t('redact.bleep')}
          </label>
        </div>

        <h3>{t('redact.clip')}</h3>
        <label className="inline">
          <input
            type="checkbox"
            checked={recipe.clip !== null}
            disabled={!editable}
            onChange={(e) => setRecipe((r) => ({ ...r, clip: e.target.checked ? { start: Math.round(p.now() * 1000) / 1000, end: Math.round((p.now() + 10) * 1000) / 1000 } : null }))}
            data-testid="clip-toggle"
          />{' '}
          {t('redact.clipOnly')}
        </label>
        {recipe.clip && (
          <div className="row wrap">
            <TimeField label={t('redact.from')} value={recipe.clip.start} now={p.now} disabled={!editable} onChange={(v) => setRecipe((r) => ({ ...r, clip: { ...r.clip!, start: v } }))} />
            <TimeField label={t('redact.to')} value={recipe.clip.end} now={p.now} disabled={!editable} onChange={(v) => setRecipe((r) => ({ ...r, clip: { ...r.clip!, end: v } }))} />
          </div>
        )}

        <h3>{t('redact.overlay')}</h3>
        <label className="inline">
          <input type="checkbox" checked={recipe.keepOverlay} disabled={!editable} onChange={(e) => setRecipe((r) => ({ ...r, keepOverlay: e.target.checked }))} data-testid="keep-overlay" />{' '}
          {t('redact.keepOverlay')}
        </label>
        <p className="muted small">
          {(p.suggestions?.overlayRegions.length ?? 0) > 0 ? t('redact.overlayRegions', { n: p.suggestions!.overlayRegions.length }) : t('redact.noOverlay')}
        </p>
      </section>

      <section className="card" aria-label={t('redact.output')}>
        <h2>{t('redact.output')}</h2>
        {saved?.status === 'approved' && p.dirty && <p className="note note-info">{t('redact.editResets')}</p>}
        <div className="row wrap">
          <button type="button" disabled={!editable || !p.dirty} onClick={p.onSave} data-testid="redaction-save">{p.busy === 'save' ? t('redact.saving') : t('common.save')}</button>
          <button type="button" disabled={!editable || (saved?.status === 'approved' || saved?.status === 'queued') && !p.dirty || recipe.boxes.length + recipe.audio.mute.length === 0 && !recipe.clip} onClick={p.onRender} data-testid="redaction-render">
            {p.busy === 'render' ? t('redact.rendering') : t('redact.render')}
          </button>
        </div>
        <ErrorNote error={p.error} />
        {saved && (
          <dl className="kv small">
            <div className="kv-row"><dt>{t('redact.version')}</dt><dd>{saved.version} · <code title={saved.recipeSha256}>{saved.recipeSha256.slice(0, 16)}…</code></dd></div>
            <div className="kv-row"><dt>{t('redact.createdBy')}</dt><dd>{saved.createdBy}</dd></div>
            {saved.renderedBy && <div className="kv-row"><dt>{t('redact.renderedBy')}</dt><dd>{saved.renderedBy}{saved.renderedAt ? ` · ${date(saved.renderedAt)}` : ''}</dd></div>}
            {saved.outputSha256 && <div className="kv-row"><dt>{t('redact.outputHash')}</dt><dd><code className="wrap">{saved.outputSha256}</code></dd></div>}
            {saved.renderLedgerSeq !== null && <div className="kv-row"><dt>{t('redact.ledger')}</dt><dd>#{saved.renderLedgerSeq}</dd></div>}
            {typeof saved.outputFacts?.durationSec === 'number' && <div className="kv-row"><dt>{t('redact.duration')}</dt><dd>{formatClock(saved.outputFacts.durationSec as number, true)}</dd></div>}
            {saved.reviewedBy && <div className="kv-row"><dt>{t('redact.reviewedBy')}</dt><dd>{saved.reviewedBy}{saved.reviewNote ? ` — ${saved.reviewNote}` : ''}</dd></div>}
          </dl>
        )}
        {(saved?.status === 'queued' || saved?.status === 'rendering') && (
          <p className="note note-info" data-testid="render-progress" aria-live="polite">
            {saved.status === 'queued' ? t('redact.queued') : t('redact.renderingProgress', { pct: Math.round((saved.renderJob?.progress ?? 0) * 100) })}
            {saved.renderJob && saved.renderJob.attempts > 1 && <> {t('redact.attempt', { n: saved.renderJob.attempts, max: saved.renderJob.maxAttempts })}</>}
            {saved.renderJob?.lastError && <span className="muted small"> {t('redact.lastAttempt', { reason: saved.renderJob.lastError })}</span>}
          </p>
        )}
        {saved?.status === 'failed' && <p className="note note-error" data-testid="render-failure">{t('redact.failed', { reason: saved.failure ?? '' })}</p>}
        {p.outputUrl && (
          <Reveal className="player output-player">
            {() => <video src={p.outputUrl!} controls preload="metadata" playsInline data-testid="redaction-output" />}
          </Reveal>
        )}
        {saved?.can.review && (
          <div className="review-box" data-testid="redaction-review">
            <label>
              {t('redact.reviewNote')}
              <textarea value={note} maxLength={2000} rows={2} onChange={(e) => setNote(e.target.value)} />
            </label>
            <div className="row">
              <button type="button" disabled={p.busy !== null} onClick={() => p.onReview('approve', note)} data-testid="redaction-approve">{t('redact.approve')}</button>
              <button type="button" className="secondary" disabled={p.busy !== null} onClick={() => p.onReview('reject', note)} data-testid="redaction-reject">{t('redact.reject')}</button>
            </div>
          </div>
        )}
        {saved?.status === 'rendered' && !saved.can.review && <p className="muted small">{t('redact.awaitingReview')}</p>}
      </section>
    </>
  );
}
