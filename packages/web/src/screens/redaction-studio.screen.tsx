// The redaction studio: boxes over the item's video (drawn, moved, resized, keyframed, or accepted
// from the face detections), muted ranges, an optional clip, the burned-in overlay kept visible;
// saved as a recipe, rendered on the server, and approved or rejected by a second person.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, blobUrl, redactionOutputUrl } from '../api.js';
import type { Id, ItemDetail, Redaction, RedactionBox, RedactionRecipe, RedactionSuggestions, Role } from '../api-types.js';
import { formatClock, useI18n } from '../i18n/i18n.js';
import { href } from '../route.js';
import { useLoad } from '../use-load.js';
import { Reveal } from '../components/reveal.component.js';
import { ErrorNote, Loading, PageHeader, Pill } from '../components/ui.component.js';
import { KeyframeTrack, RedactionCanvas } from '../components/redaction-canvas.component.js';
import { boxAt, emptyRecipe, statusToneOf, freshId, keyframeAt, newBox, removeKeyframe, setKeyframe, type Rect } from '../components/redaction-recipe.model.js';
import { RedactionSidePanels } from './redaction-panels.screen.js';

const RANK: Record<Role, number> = { observer: 0, analyst: 1, reviewer: 2, coordinator: 3, admin: 4 };

export function RedactionStudioScreen({ caseId, itemId, redactionId, role }: { caseId: Id; itemId: Id; redactionId?: string | undefined; role: Role | null | undefined }) {
  const detail = useLoad(() => api.item(itemId), [itemId]);
  const list = useLoad(() => api.redactions(itemId), [itemId]);
  const suggestions = useLoad(() => api.redactionSuggestions(itemId), [itemId]);
  const [fresh, setFresh] = useState(0);
  if (detail.error) return <ErrorNote error={detail.error} onRetry={detail.reload} />;
  if (list.error) return <ErrorNote error={list.error} onRetry={list.reload} />;
  if (!detail.data || !list.data) return <Loading />;
  const current = list.data.find((r) => String(r.id) === String(redactionId)) ?? null;
  return (
    <Studio
      key={current ? `${current.id}` : `new-${fresh}`}
      caseId={caseId}
      d={detail.data}
      redactions={list.data}
      initial={current}
      suggestions={suggestions.data ?? null}
      editable={role ? RANK[role] >= RANK.analyst : false}
      onNew={() => setFresh((n) => n + 1)}
      onChanged={(r) => {
        list.reload();
        // The address names the new redaction without reloading the studio (no hashchange).
        if (String(r.id) !== String(redactionId)) history.replaceState(null, '', href.redact(caseId, itemId, r.id));
      }}
    />
  );
}

function Studio({
  caseId,
  d,
  redactions,
  initial,
  suggestions,
  editable: mayEdit,
  onNew,
  onChanged,
}: {
  caseId: Id;
  d: ItemDetail;
  redactions: Redaction[];
  initial: Redaction | null;
  suggestions: RedactionSuggestions | null;
  editable: boolean;
  onNew: () => void;
  onChanged: (r: Redaction) => void;
}) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [saved, setSaved] = useState<Redaction | null>(initial);
  const [recipe, setRecipe] = useState<RedactionRecipe>(initial?.recipe ?? emptyRecipe());
  const [title, setTitle] = useState(initial?.title ?? '');
  const [selected, setSelected] = useState<string | null>(null);
  const [time, setTime] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [mediaDuration, setMediaDuration] = useState(0);
  const [aspect, setAspect] = useState(16 / 9);
  const [busy, setBusy] = useState<null | 'save' | 'render' | 'review'>(null);
  const [error, setError] = useState<unknown>(null);
  const proxy = d.derivatives.find((x) => x.kind === 'proxy');
  const poster = d.derivatives.find((x) => x.kind === 'poster');
  const facts = d.probe?.facts ?? null;
  const duration = facts?.durationSec || mediaDuration;
  const fps = facts?.video?.fps || facts?.video?.frameRate || 25;
  const frameSec = 1 / fps;
  const editable = mayEdit && saved?.status !== 'rendering' && busy === null;
  const dirty = !saved || JSON.stringify(saved.recipe) !== JSON.stringify(recipe) || saved.title !== title;
  const sel = recipe.boxes.find((b) => b.id === selected) ?? null;

  useEffect(() => {
    const v = video.current;
    if (v && v.videoWidth > 0) setAspect(v.videoWidth / v.videoHeight);
  }, []);

  const seek = useCallback((s: number) => {
    const v = video.current;
    if (!v) return;
    v.currentTime = Math.max(0, Math.min(s, Number.isFinite(v.duration) ? v.duration : s));
    setTime(v.currentTime);
  }, []);
  const now = () => video.current?.currentTime ?? time;

  const updateBox = (id: string, f: (b: RedactionBox) => RedactionBox) => setRecipe((r) => ({ ...r, boxes: r.boxes.map((b) => (b.id === id ? f(b) : b)) }));
  const onCreate = (rect: Rect) => {
    const id = freshId(recipe);
    setRecipe((r) => ({ ...r, boxes: [...r.boxes, newBox(id, now(), rect, duration)] }));
    setSelected(id);
  };
  const onEdit = (id: string, rect: Rect) => updateBox(id, (b) => setKeyframe(b, now(), rect, frameSec));
  const keyframeHere = () => {
    if (!sel) return;
    const k = sel.keyframes;
    const at = boxAt(sel, now()) ?? (now() < k[0]!.t ? k[0]! : k[k.length - 1]!);
    updateBox(sel.id, (b) => setKeyframe(b, now(), at, frameSec));
  };
  const acceptSuggestions = (boxes: RedactionBox[]) => {
    setRecipe((r) => {
      const next = { ...r, boxes: [...r.boxes] };
      for (const b of boxes) next.boxes.push({ ...b, id: freshId(next, 'face') });
      return next;
    });
  };

  const run = async (what: 'save' | 'render' | 'review', f: () => Promise<Redaction>) => {
    setBusy(what);
    setError(null);
    try {
      const r = await f();
      setSaved(r);
      setRecipe(r.recipe);
      setTitle(r.title);
      onChanged(r);
      return r;
    } catch (e) {
      setError(e);
      return null;
    } finally {
      setBusy(null);
    }
  };
  const save = () =>
    run('save', () => (saved ? api.patchRedaction(saved.id, { title, recipe, version: saved.version }) : api.createRedaction(d.item.id, { title, recipe })));
  const render = async () => {
    let r = saved;
    if (dirty) r = await save();
    if (!r) return;
    const target = r;
    // Answers at once (queued); a worker renders it and the effect below follows it until it is done.
    await run('render', () => api.renderRedaction(target.id, target.version));
  };
  const pending = saved?.status === 'queued' || saved?.status === 'rendering';
  useEffect(() => {
    if (!pending || !saved) return;
    let stop = false;
    const timer = setTimeout(() => {
      api.redaction(saved.id).then(
        (r) => {
          if (stop || r.version !== saved.version) return;
          setSaved(r);
          if (r.status !== 'queued' && r.status !== 'rendering') onChanged(r);
        },
        (e: unknown) => !stop && setError(e),
      );
    }, 1500);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [pending, saved, onChanged]);
  const review = (decision: 'approve' | 'reject', note: string) => saved && run('review', () => api.reviewRedaction(saved.id, decision, { note, version: saved.version }));

  const name = (d.item.paths?.[0] ?? d.item.path ?? '').split(/[\\/]/).pop();
  const keep = recipe.keepOverlay ? (suggestions?.overlayRegions ?? []) : [];

  return (
    <div className="item-view redaction-studio" data-testid="redaction-studio">
      <PageHeader title={<span className="item-title">{t('redact.title', { name: name ?? '' })}</span>}>
        <a href={href.item(caseId, d.item.id)} className="back">← {t('redact.back')}</a>
        {saved && <Pill tone={statusToneOf(saved.status)}>{t(`redact.status.${saved.status}`)}</Pill>}
      </PageHeader>
      <div className="item-grid">
        <section className="player-col" aria-label={t('item.player')}>
          {proxy ? (
            <Reveal className="player" onReveal={(r) => video.current && (video.current.muted = !r)}>
              {() => (
                <div className="player-frame">
                  <video
                    ref={video}
                    src={blobUrl(proxy.sha256)}
                    poster={poster ? blobUrl(poster.sha256) : undefined}
                    muted
                    preload="auto"
                    playsInline
                    onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)}
                    onSeeked={(e) => setTime(e.currentTarget.currentTime)}
                    onPlay={() => setPlaying(true)}
                    onPause={() => setPlaying(false)}
                    onLoadedMetadata={(e) => {
                      setMediaDuration(e.currentTarget.duration);
                      if (e.currentTarget.videoWidth > 0) setAspect(e.currentTarget.videoWidth / e.currentTarget.videoHeight);
                    }}
                    data-testid="studio-player"
                  />
                  <RedactionCanvas
                    boxes={recipe.boxes}
                    time={time}
                    aspect={aspect}
                    selected={selected}
                    keep={keep}
                    editable={editable}
                    onSelect={setSelected}
                    onCreate={onCreate}
                    onEdit={onEdit}
                    onDragStart={() => video.current?.pause()}
                  />
                </div>
              )}
            </Reveal>
          ) : (
            <p className="note note-info">{t('item.noProxy')}</p>
          )}
          <div className="player-bar studio-controls">
            <span className="row">
              <button type="button" className="secondary small" onClick={() => { const v = video.current; if (v) void (v.paused ? v.play() : v.pause()); }}>
                {playing ? t('redact.pause') : t('redact.play')}
              </button>
              <button type="button" className="secondary small" aria-label={t('redact.frameBack')} onClick={() => (video.current?.pause(), seek(now() - frameSec))}>‹</button>
              <button type="button" className="secondary small" aria-label={t('redact.frameForward')} onClick={() => (video.current?.pause(), seek(now() + frameSec))}>›</button>
              <span className="timecode" data-testid="timecode">{formatClock(time, true)}</span>
            </span>
            <span className="muted small">{editable ? t('redact.hint') : t('common.readOnly')}</span>
          </div>
          <input type="range" className="scrub" aria-label={t('redact.position')} min={0} max={duration || 0} step={frameSec} value={Math.min(time, duration || 0)} onChange={(e) => seek(Number(e.target.value))} />
          <KeyframeTrack boxes={recipe.boxes} duration={duration} time={time} selected={selected} onSelect={setSelected} onSeek={seek} />
          {sel && (
            <section className="card box-editor" aria-label={t('redact.box')} data-testid="box-editor">
              <h2>{t('redact.box')} <code>{sel.id}</code></h2>
              <div className="row wrap">
                <label>
                  {t('redact.label')}
                  <input value={sel.label} maxLength={100} disabled={!editable} onChange={(e) => updateBox(sel.id, (b) => ({ ...b, label: e.target.value }))} />
                </label>
                <label>
                  {t('redact.effect')}
                  <select value={sel.effect} disabled={!editable} onChange={(e) => updateBox(sel.id, (b) => ({ ...b, effect: e.target.value as RedactionBox['effect'] }))} data-testid="box-effect">
                    <option value="blur">{t('redact.effect.blur')}</option>
                    <option value="pixelate">{t('redact.effect.pixelate')}</option>
                    <option value="fill">{t('redact.effect.fill')}</option>
                  </select>
                </label>
                {sel.effect === 'fill' && (
                  <label>
                    {t('redact.colour')}
                    <input type="color" value={sel.colour} disabled={!editable} onChange={(e) => updateBox(sel.id, (b) => ({ ...b, colour: e.target.value }))} />
                  </label>
                )}
              </div>
              <p className="muted small">
                {t('redact.activeSpan', { from: formatClock(sel.keyframes[0]!.t, true), to: formatClock(sel.keyframes[sel.keyframes.length - 1]!.t, true), n: sel.keyframes.length })}
              </p>
              <div className="row wrap">
                <button type="button" className="secondary small" disabled={!editable} onClick={keyframeHere} data-testid="keyframe-here">{t('redact.keyframeHere')}</button>
                <button type="button" className="secondary small" disabled={!editable || !keyframeAt(sel, time, frameSec) || sel.keyframes.length <= 2} onClick={() => updateBox(sel.id, (b) => removeKeyframe(b, now(), frameSec))}>
                  {t('redact.removeKeyframe')}
                </button>
                <button type="button" className="secondary small danger" disabled={!editable} onClick={() => (setRecipe((r) => ({ ...r, boxes: r.boxes.filter((b) => b.id !== sel.id) })), setSelected(null))}>
                  {t('redact.deleteBox')}
                </button>
              </div>
            </section>
          )}
        </section>
        <aside className="meta-col">
          <RedactionSidePanels
            caseId={caseId}
            itemId={d.item.id}
            redactions={redactions}
            saved={saved}
            recipe={recipe}
            setRecipe={setRecipe}
            title={title}
            setTitle={setTitle}
            suggestions={suggestions}
            onAccept={acceptSuggestions}
            editable={editable}
            dirty={dirty}
            busy={busy}
            now={now}
            onNew={onNew}
            onSave={() => void save()}
            onRender={() => void render()}
            onReview={(decision, note) => void review(decision, note)}
            error={error}
            outputUrl={saved?.outputSha256 ? redactionOutputUrl(saved.id, saved.outputSha256) : null}
          />
        </aside>
      </div>
    </div>
  );
}
