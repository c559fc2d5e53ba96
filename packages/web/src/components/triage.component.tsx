// Triage results on the item view: the overlay's facts (recorded-at start, camera, warnings), face
// counts with boxes drawn over the player at the current time, and the near-duplicate group.
import type { DuplicateGroup, Id, ItemFaces, ItemOverlay, OverlayFlag } from '../api-types.js';
import type { MessageKey } from '../i18n/en.js';
import { formatClock, useI18n } from '../i18n/i18n.js';
import { href } from '../route.js';

function FlagNote({ f }: { f: OverlayFlag }) {
  const { t, date, num } = useI18n();
  const text =
    f.kind === 'clock-jump'
      ? t('triage.flag.clockJump', { at: formatClock(Number(f.fromSec ?? 0), false), by: num(Math.round(Number(f.jumpSec ?? 0))) })
      : f.kind === 'metadata-mismatch'
        ? t('triage.flag.metadataMismatch', { meta: typeof f.creationTime === 'string' ? date(f.creationTime) : '—', by: num(Math.round(Number(f.differenceSec ?? 0))) })
        : f.kind === 'unreadable'
          ? t('triage.flag.unreadable')
          : f.kind;
  return <li className="note note-warn" role="alert" data-flag={f.kind}>⚠ {text}</li>;
}

export function OverlayFacts({ o }: { o: ItemOverlay }) {
  const { t, date, num } = useI18n();
  return (
    <>
      <h3>{t('triage.overlay')}</h3>
      <dl className="kv" data-testid="overlay">
        <div className="kv-row"><dt>{t('triage.recordedAt')}</dt><dd>{o.startTime ? date(o.startTime) : t('triage.noClock')}</dd></div>
        <div className="kv-row">
          <dt>{t('triage.camera')}</dt>
          <dd data-testid="overlay-camera">
            {o.cameraLabel ?? '—'}
            {o.camera && o.camera !== o.cameraLabel ? ` → ${o.camera}` : ''}
          </dd>
        </div>
        <div className="kv-row"><dt>{t('triage.confidence')}</dt><dd>{num(Math.round(o.confidence * 100))} %</dd></div>
      </dl>
      {o.flags.length > 0 && <ul className="plain">{o.flags.map((f, i) => <FlagNote key={i} f={f} />)}</ul>}
      <p className="muted small">{t('triage.clockNote')}</p>
    </>
  );
}

/** The boxes of the sample nearest the player's time (within one sampling interval). */
export function boxesAt(f: ItemFaces, time: number) {
  const step = 1 / (f.runs[0]?.sampleFps || 1);
  let best: ItemFaces['samples'][number] | null = null;
  for (const s of f.samples) if (Math.abs(s.tSec - time) <= step / 2 + 1e-6 && (!best || Math.abs(s.tSec - time) < Math.abs(best.tSec - time))) best = s;
  return best?.boxes ?? [];
}

/** The player is a 16:9 box showing the picture `contain`ed: the boxes cover only the picture's part. */
export function FaceBoxes({ f, time, aspect }: { f: ItemFaces; time: number; aspect: number }) {
  const frame = 16 / 9;
  const a = aspect > 0 && Number.isFinite(aspect) ? aspect : frame;
  const w = a >= frame ? 100 : (a / frame) * 100;
  const h = a >= frame ? (frame / a) * 100 : 100;
  return (
    <div className="face-boxes" aria-hidden="true" style={{ left: `${(100 - w) / 2}%`, top: `${(100 - h) / 2}%`, width: `${w}%`, height: `${h}%` }}>
      {boxesAt(f, time).map((b, i) => (
        <div key={i} className="face-box" style={{ left: `${b.x * 100}%`, top: `${b.y * 100}%`, width: `${b.w * 100}%`, height: `${b.h * 100}%` }} />
      ))}
    </div>
  );
}

export function FacesSummary({ f, shown, onToggle }: { f: ItemFaces; shown: boolean; onToggle: (v: boolean) => void }) {
  const { t, num } = useI18n();
  const r = f.runs[0];
  return (
    <>
      <h3>{t('triage.faces')}</h3>
      <p data-testid="faces-count">
        {r ? t('triage.facesCount', { frames: num(r.framesWithFaces), total: num(r.frames), max: num(r.maxFaces) }) : '—'}
      </p>
      {f.samples.length > 0 && (
        <label className="inline">
          <input type="checkbox" checked={shown} onChange={(e) => onToggle(e.target.checked)} /> {t('triage.showFaces')}
        </label>
      )}
    </>
  );
}

export function DuplicateGroupList({ g, caseId }: { g: DuplicateGroup; caseId: Id }) {
  const { t, num } = useI18n();
  return (
    <>
      <h3>{t('triage.duplicateGroup')}</h3>
      <ul className="plain" data-testid="duplicate-group">
        {g.members.flatMap((m) =>
          m.items.map((it) => (
            <li key={`${m.sha256}-${it.id}`}>
              {m.self ? <strong>{it.path}</strong> : <a href={href.item(caseId, it.id)}>{it.path}</a>}{' '}
              <span className="muted small">
                {t(`triage.kind.${m.kind}` as MessageKey)} · {t('triage.offset', { at: formatClock(m.offsetSec, false) })} · {num(Math.round(m.similarity * 100))} %
                {m.evidence === 'clock' ? <> · {t('triage.byClock')}</> : null}
              </span>
            </li>
          )),
        )}
      </ul>
    </>
  );
}
