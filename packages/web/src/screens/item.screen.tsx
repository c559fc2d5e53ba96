// One item: the proxy in a player with the activity timeline, filmstrip and keyboard controls,
// the annotation panel, metadata and the custody history with each entry's proof status.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, blobUrl } from '../api.js';
import type { Annotation, Id, ItemDetail, Role } from '../api-types.js';
import { formatClock, useI18n } from '../i18n/i18n.js';
import { href } from '../route.js';
import { can, useSession } from '../session.js';
import { useLoad } from '../use-load.js';
import { Reveal } from '../components/reveal.component.js';
import { normaliseCurve, Timeline } from '../components/timeline.component.js';
import { ErrorNote, Loading, PageHeader, Pill, statusTone } from '../components/ui.component.js';
import { DuplicateGroupList, FaceBoxes, FacesSummary, OverlayFacts } from '../components/triage.component.js';
import { AnnotationPanel } from './annotation-panel.screen.js';

const isTyping = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

export function ItemScreen({ caseId, itemId, startAt, role }: { caseId: Id; itemId: Id; startAt?: number; role: Role | null | undefined }) {
  const { t } = useI18n();
  const detail = useLoad(() => api.item(itemId), [itemId]);
  const annotations = useLoad(() => api.annotations(itemId), [itemId]);
  if (detail.error) return <ErrorNote error={detail.error} onRetry={detail.reload} />;
  if (!detail.data) return <Loading />;
  return (
    <ItemView
      caseId={caseId}
      d={detail.data}
      startAt={startAt}
      role={role}
      annotations={annotations.data ?? detail.data.annotations ?? []}
      reloadAnnotations={annotations.reload}
      title={
        <>
          <a href={href.case(caseId, 'items')} className="back">← {t('item.back')}</a>
        </>
      }
    />
  );
}

function ItemView({
  caseId,
  d,
  startAt,
  role,
  annotations,
  reloadAnnotations,
  title,
}: {
  caseId: Id;
  d: ItemDetail;
  startAt?: number;
  role: Role | null | undefined;
  annotations: Annotation[];
  reloadAnnotations: () => void;
  title: React.ReactNode;
}) {
  const { t } = useI18n();
  const { settings } = useSession();
  const video = useRef<HTMLVideoElement>(null);
  const [time, setTime] = useState(startAt ?? 0);
  const [markIn, setMarkIn] = useState<number | null>(null);
  const [markOut, setMarkOut] = useState<number | null>(null);
  const [revealed, setRevealed] = useState(settings.revealMedia);
  const [showFaces, setShowFaces] = useState(false);
  const proxy = d.derivatives.find((x) => x.kind === 'proxy');
  const filmstrip = d.derivatives.find((x) => x.kind === 'filmstrip');
  const poster = d.derivatives.find((x) => x.kind === 'poster');
  const [mediaDuration, setMediaDuration] = useState(0);
  const facts = d.probe?.facts ?? null;
  const duration = facts?.durationSec || mediaDuration || (d.activity?.curve?.length ?? 0);
  const fps = facts?.video?.fps || facts?.video?.frameRate || 25;
  // The activity curve has one value per second of the recording.
  const curve = normaliseCurve(d.activity?.curve, duration, d.activity?.curveStepSec ?? 1);
  const segments = d.activity?.segments ?? [];
  const name = (d.item.paths?.[0] ?? d.item.path ?? d.item.sha256 ?? '').split(/[\\/]/).pop();

  const seek = useCallback((s: number) => {
    const v = video.current;
    if (!v) return;
    v.currentTime = Math.max(0, Math.min(s, Number.isFinite(v.duration) ? v.duration : s));
    setTime(v.currentTime);
  }, []);

  // J/K/L as in editing suites: J back (repeated presses go faster), K pause, L forward.
  const shuttle = useRef(0);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const v = video.current;
      if (!v || isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const k = e.key.toLowerCase();
      const stepBack = () => (v.pause(), seek(v.currentTime - 1 / fps));
      const handled: Record<string, () => void> = {
        ' ': () => (v.paused ? void v.play() : v.pause()),
        ',': stepBack,
        '.': () => (v.pause(), seek(v.currentTime + 1 / fps)),
        k: () => ((shuttle.current = 0), v.pause(), (v.playbackRate = 1)),
        l: () => {
          shuttle.current = shuttle.current > 0 ? Math.min(shuttle.current * 2, 8) : 1;
          v.playbackRate = shuttle.current;
          void v.play();
        },
        j: () => {
          shuttle.current = shuttle.current < 0 ? Math.max(shuttle.current * 2, -8) : -1;
          v.pause();
          seek(v.currentTime - Math.abs(shuttle.current) * 2);
        },
        i: () => setMarkIn(v.currentTime),
        o: () => setMarkOut(v.currentTime),
      };
      const h = handled[k];
      if (h) {
        e.preventDefault();
        h();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [fps, seek]);

  useEffect(() => {
    if (startAt && video.current) video.current.currentTime = startAt;
  }, [startAt]);

  const hashes: [string, string][] = [['SHA-256', d.item.sha256 ?? '—'], ...Object.entries(d.item.hashes ?? {}).filter(([k]) => k.toLowerCase() !== 'sha256')];
  if (d.item.md5) hashes.push(['MD5', d.item.md5]);
  if (d.item.sha1) hashes.push(['SHA-1', d.item.sha1]);

  return (
    <div className="item-view">
      <PageHeader title={<span className="item-title" title={d.item.paths?.[0] ?? d.item.path}>{name}</span>}>
        {title}
        {proxy && <a className="button secondary small" href={href.redact(caseId, d.item.id)} data-testid="redact-link">{t('item.redact')}</a>}
        <Pill tone={statusTone(d.item.status)}>{d.item.status}</Pill>
      </PageHeader>
      <div className="item-grid">
        <section className="player-col" aria-label={t('item.player')}>
          {proxy ? (
            <Reveal className="player" onReveal={(r) => (setRevealed(r), video.current && (video.current.muted = !r))}>
              {() => (
                <div className="player-frame">
                  <video
                    ref={video}
                    src={blobUrl(proxy.sha256)}
                    poster={poster ? blobUrl(poster.sha256) : undefined}
                    controls
                    muted={!revealed}
                    preload="auto"
                    playsInline
                    onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)}
                    onSeeked={(e) => setTime(e.currentTarget.currentTime)}
                    onLoadedMetadata={(e) => setMediaDuration(e.currentTarget.duration)}
                    data-testid="player"
                  />
                  {showFaces && d.faces ? <FaceBoxes f={d.faces} time={time} aspect={Number(facts?.video?.width) / Number(facts?.video?.height)} /> : null}
                </div>
              )}
            </Reveal>
          ) : (
            <p className="note note-info">{t('item.noProxy')}</p>
          )}
          <div className="player-bar">
            <span className="timecode" data-testid="timecode">{formatClock(time, true)}</span>
            <span className="muted small">{t('item.keys')}</span>
          </div>
          <Timeline duration={duration} curve={curve} segments={segments} annotations={annotations} time={time} markIn={markIn} markOut={markOut} onSeek={seek} />
          {filmstrip && (
            <section aria-label={t('item.filmstrip')}>
              <Reveal className="filmstrip">
                {() => (
                  <img
                    src={blobUrl(filmstrip.sha256)}
                    alt={t('item.filmstrip')}
                    onClick={(e) => {
                      const r = e.currentTarget.getBoundingClientRect();
                      seek(((e.clientX - r.left) / r.width) * duration);
                    }}
                  />
                )}
              </Reveal>
            </section>
          )}
          <AnnotationPanel
            caseId={caseId}
            itemId={d.item.id}
            readOnly={!can.edit(role)}
            annotations={annotations}
            markIn={markIn}
            markOut={markOut}
            setMarkIn={setMarkIn}
            setMarkOut={setMarkOut}
            current={() => video.current?.currentTime ?? time}
            onSeek={seek}
            onSaved={reloadAnnotations}
          />
        </section>
        <aside className="meta-col">
          {(d.overlay || d.faces || d.duplicateGroup) && (
            <section className="card" aria-label={t('triage.overlay')}>
              {d.overlay && <OverlayFacts o={d.overlay} />}
              {d.faces && <FacesSummary f={d.faces} shown={showFaces} onToggle={setShowFaces} />}
              {d.duplicateGroup && <DuplicateGroupList g={d.duplicateGroup} caseId={caseId} />}
            </section>
          )}
          <Metadata d={d} hashes={hashes} caseId={caseId} />
          <Custody d={d} />
        </aside>
      </div>
    </div>
  );
}

function Metadata({ d, hashes, caseId }: { d: ItemDetail; hashes: [string, string][]; caseId: Id }) {
  const { t, bytes, date, num } = useI18n();
  const paths = d.item.paths ?? (d.item.path ? [d.item.path] : []);
  const f = d.probe?.facts;
  const v = f?.video;
  const tech: [string, string][] = [];
  if (f?.formatLongName || f?.container) tech.push(['container', String(f.formatLongName ?? f.container)]);
  if (v?.codec) tech.push(['codec', String(v.codec)]);
  if (v?.width && v?.height) tech.push(['frame', `${v.width}×${v.height}`]);
  if (v?.fps || v?.frameRate) tech.push(['fps', num(Math.round(Number(v.fps ?? v.frameRate) * 100) / 100)]);
  if (f?.durationSec) tech.push(['duration', formatClock(f.durationSec, true)]);
  if (f?.bitRate) tech.push(['bit rate', `${num(Math.round(f.bitRate / 1000))} kb/s`]);
  if (d.probe?.status && d.probe.status !== 'ok') tech.push(['probe', `${d.probe.status}: ${d.probe.failureMessage ?? ''}`]);
  const acquisition = d.acquisition ?? (d.item as { acquisition?: unknown }).acquisition;
  return (
    <section className="card">
      <h2>{t('item.metadata')}</h2>
      <h3>{t('item.hashes')}</h3>
      <dl className="kv hashes">
        {hashes.map(([k, v]) => (
          <div key={k} className="kv-row">
            <dt>{k}</dt>
            <dd><code className="wrap">{v}</code></dd>
          </div>
        ))}
      </dl>
      <h3>{t('item.paths')}</h3>
      <ul className="plain">
        {paths.map((x) => <li key={x}><code className="wrap">{x}</code></li>)}
      </ul>
      <dl className="kv">
        <div className="kv-row"><dt>{t('item.size')}</dt><dd>{d.item.size == null ? '—' : bytes(d.item.size)}</dd></div>
        {d.item.format && <div className="kv-row"><dt>format</dt><dd>{d.item.format}</dd></div>}
        {d.item.parent && <div className="kv-row"><dt>archive</dt><dd><code className="wrap">{d.item.parent.path}</code></dd></div>}
        {d.item.mtime && <div className="kv-row"><dt>{t('item.mtime')}</dt><dd>{date(d.item.mtime)}</dd></div>}
        {d.item.reason && <div className="kv-row"><dt>{t('item.reason')}</dt><dd>{d.item.reason}</dd></div>}
      </dl>
      <h3>{t('item.probe')}</h3>
      <dl className="kv">
        {tech.map(([k, x]) => (
          <div key={k} className="kv-row"><dt>{k}</dt><dd>{x}</dd></div>
        ))}
      </dl>
      {acquisition != null && (
        <>
          <h3>{t('item.acquisition')}</h3>
          <dl className="kv">
            {Object.entries(acquisition as Record<string, unknown>)
              .filter(([, x]) => x !== null && x !== undefined && x !== '')
              .map(([k, x]) => (
                <div key={k} className="kv-row"><dt>{k}</dt><dd className="wrap">{/At$/.test(k) ? date(String(x)) : String(x)}</dd></div>
              ))}
          </dl>
        </>
      )}
      {(d.duplicates ?? []).length > 0 && (
        <>
          <h3>{t('item.duplicates')}</h3>
          <ul className="plain">
            {d.duplicates!.map((x) => (
              <li key={x.id}>
                <a href={href.item(caseId, x.id)}>{x.path}</a>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Custody({ d }: { d: ItemDetail }) {
  const { t, date } = useI18n();
  return (
    <section className="card">
      <h2>{t('item.custody')}</h2>
      <ol className="custody" data-testid="custody">
        {(d.custody ?? []).map((c) => (
          <li key={c.seq}>
            <span className="custody-action">{c.action}</span>
            <span className="muted small">#{c.seq} · {date(c.time)} · {c.actor}</span>
            <Pill tone={c.proof === 'included' ? 'ok' : 'info'}>{c.proof === 'included' ? t('item.proof.included') : t('item.proof.pending')}</Pill>
          </li>
        ))}
      </ol>
    </section>
  );
}
