// Boxes drawn over the playing video, in frame fractions: a drag on empty picture draws a new box,
// a drag on a box moves it, its corner handle resizes it; each edit becomes a keyframe at the
// current time. The effect is previewed with CSS (blur, coarse pixels, solid colour); the selected
// box shows its keyframes as outlines joined by its path, so the interpolation between them is seen.
import { useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { RedactionBox } from '../api-types.js';
import { useT } from '../i18n/i18n.js';
import { boxAt, clampRect, type Rect } from './redaction-recipe.model.js';

type Drag =
  | { kind: 'create'; x0: number; y0: number; rect: Rect }
  | { kind: 'move'; id: string; dx: number; dy: number; rect: Rect }
  | { kind: 'resize'; id: string; rect: Rect };

export function RedactionCanvas({
  boxes,
  time,
  aspect,
  selected,
  keep,
  editable,
  onSelect,
  onCreate,
  onEdit,
  onDragStart,
}: {
  boxes: RedactionBox[];
  time: number;
  /** The video's width / height. */
  aspect: number;
  selected: string | null;
  /** Overlay regions kept visible (shown dashed). */
  keep: Rect[];
  editable: boolean;
  onSelect: (id: string | null) => void;
  onCreate: (rect: Rect) => void;
  onEdit: (id: string, rect: Rect) => void;
  onDragStart: () => void;
}) {
  const t = useT();
  const frame = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  // The picture's place inside the 16:9 player (object-fit: contain).
  const player = 16 / 9;
  const a = aspect > 0 && Number.isFinite(aspect) ? aspect : player;
  const w = a >= player ? 100 : (a / player) * 100;
  const h = a >= player ? (player / a) * 100 : 100;

  const point = (e: { clientX: number; clientY: number }) => {
    const r = frame.current!.getBoundingClientRect();
    return { x: (e.clientX - r.left) / r.width, y: (e.clientY - r.top) / r.height };
  };

  const down = (e: ReactPointerEvent, d: (p: { x: number; y: number }) => Drag) => {
    if (!editable || e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    frame.current!.setPointerCapture(e.pointerId);
    onDragStart();
    setDrag(d(point(e)));
  };
  const move = (e: ReactPointerEvent) => {
    if (!drag) return;
    const p = point(e);
    if (drag.kind === 'create') {
      setDrag({ ...drag, rect: clampRect({ x: Math.min(drag.x0, p.x), y: Math.min(drag.y0, p.y), w: Math.abs(p.x - drag.x0), h: Math.abs(p.y - drag.y0) }) });
    } else if (drag.kind === 'move') {
      setDrag({ ...drag, rect: clampRect({ ...drag.rect, x: p.x - drag.dx, y: p.y - drag.dy }) });
    } else {
      setDrag({ ...drag, rect: clampRect({ ...drag.rect, w: p.x - drag.rect.x, h: p.y - drag.rect.y }) });
    }
  };
  const up = () => {
    if (!drag) return;
    if (drag.kind === 'create') {
      if (drag.rect.w > 0.01 && drag.rect.h > 0.01) onCreate(drag.rect);
    } else onEdit(drag.id, drag.rect);
    setDrag(null);
  };

  const sel = boxes.find((b) => b.id === selected);
  const pct = (r: Rect) => ({ left: `${r.x * 100}%`, top: `${r.y * 100}%`, width: `${r.w * 100}%`, height: `${r.h * 100}%` });

  return (
    <div className="redaction-canvas" style={{ left: `${(100 - w) / 2}%`, top: `${(100 - h) / 2}%`, width: `${w}%`, height: `${h}%` }}>
      <div
        ref={frame}
        className={`redaction-frame ${editable ? 'is-editable' : ''}`}
        data-testid="redaction-frame"
        onPointerDown={(e) => down(e, (p) => (onSelect(null), { kind: 'create', x0: p.x, y0: p.y, rect: { x: p.x, y: p.y, w: 0, h: 0 } }))}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={() => setDrag(null)}
      >
        {keep.map((r, i) => (
          <div key={`keep-${i}`} className="redaction-keep" style={pct(r)} title={t('redact.keptRegion')} />
        ))}
        {sel && (
          <svg className="redaction-path" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">
            <polyline points={sel.keyframes.map((k) => `${(k.x + k.w / 2) * 100},${(k.y + k.h / 2) * 100}`).join(' ')} />
            {sel.keyframes.map((k) => (
              <rect key={k.t} x={k.x * 100} y={k.y * 100} width={k.w * 100} height={k.h * 100} />
            ))}
          </svg>
        )}
        {boxes.map((b) => {
          const live = drag && drag.kind !== 'create' && drag.id === b.id ? drag.rect : boxAt(b, time);
          if (!live) return null;
          return (
            <div
              key={b.id}
              className={`redaction-box effect-${b.effect} ${b.id === selected ? 'is-selected' : ''}`}
              style={{ ...pct(live), ...(b.effect === 'fill' ? { background: b.colour } : {}) }}
              data-testid={`redaction-box-${b.id}`}
              onPointerDown={(e) => {
                onSelect(b.id);
                down(e, (p) => ({ kind: 'move', id: b.id, dx: p.x - live.x, dy: p.y - live.y, rect: live }));
              }}
            >
              {b.label && <span className="redaction-label">{b.label}</span>}
              {editable && b.id === selected && (
                <span
                  className="redaction-handle"
                  aria-label={t('redact.resize')}
                  onPointerDown={(e) => down(e, () => ({ kind: 'resize', id: b.id, rect: live }))}
                />
              )}
            </div>
          );
        })}
        {drag?.kind === 'create' && <div className="redaction-box is-drawing" style={pct(drag.rect)} />}
      </div>
    </div>
  );
}

/** One row per box under the player: its active span and its keyframes (click one to go there). */
export function KeyframeTrack({ boxes, duration, time, selected, onSelect, onSeek }: { boxes: RedactionBox[]; duration: number; time: number; selected: string | null; onSelect: (id: string) => void; onSeek: (t: number) => void }) {
  const t = useT();
  if (boxes.length === 0 || !(duration > 0)) return null;
  const x = (s: number) => `${Math.max(0, Math.min(100, (s / duration) * 100))}%`;
  return (
    <div className="keyframe-track" role="list" aria-label={t('redact.keyframes')}>
      {boxes.map((b) => {
        const first = b.keyframes[0]!.t;
        const last = b.keyframes[b.keyframes.length - 1]!.t;
        return (
          <div key={b.id} role="listitem" className={`kf-row ${b.id === selected ? 'is-selected' : ''}`} onClick={() => onSelect(b.id)}>
            <span className="kf-name">{b.label || b.id}</span>
            <span className="kf-lane">
              <span className="kf-span" style={{ left: x(first), width: `calc(${x(last)} - ${x(first)})` }} />
              {b.keyframes.map((k) => (
                <button key={k.t} type="button" className="kf-dot" style={{ left: x(k.t) }} title={`${k.t.toFixed(2)} s`} onClick={(e) => (e.stopPropagation(), onSelect(b.id), onSeek(k.t))} />
              ))}
              <span className="kf-playhead" style={{ left: x(time) }} />
            </span>
          </div>
        );
      })}
    </div>
  );
}
