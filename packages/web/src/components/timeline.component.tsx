// The activity timeline under the player: the activity curve, detected segments, annotations,
// the in/out marks and the playhead. Click (or arrow keys when focused) to jump.
import type { KeyboardEvent, MouseEvent } from 'react';
import type { Annotation, Segment } from '../api-types.js';
import { formatClock, useT } from '../i18n/i18n.js';

export function normaliseCurve(curve: unknown, duration: number, stepSec?: number): { t: number; v: number }[] {
  if (!Array.isArray(curve) || curve.length === 0) return [];
  if (typeof curve[0] === 'number') {
    const step = stepSec ?? duration / curve.length;
    return (curve as number[]).map((v, i) => ({ t: i * step, v }));
  }
  return (curve as { t?: number; sec?: number; score?: number; v?: number }[]).map((p) => ({ t: p.t ?? p.sec ?? 0, v: p.score ?? p.v ?? 0 }));
}

export function Timeline({
  duration,
  curve,
  segments,
  annotations,
  time,
  markIn,
  markOut,
  onSeek,
}: {
  duration: number;
  curve: { t: number; v: number }[];
  segments: Segment[];
  annotations: Annotation[];
  time: number;
  markIn: number | null;
  markOut: number | null;
  onSeek: (t: number) => void;
}) {
  const t = useT();
  const W = 1000;
  const H = 72;
  const d = duration > 0 ? duration : 1;
  const x = (s: number) => (Math.max(0, Math.min(d, s)) / d) * W;
  const max = Math.max(1e-9, ...curve.map((p) => p.v));
  const path =
    curve.length > 0
      ? `M0 ${H} ` + curve.map((p) => `L${x(p.t).toFixed(1)} ${(H - 8 - (p.v / max) * (H - 16)).toFixed(1)}`).join(' ') + ` L${W} ${H} Z`
      : '';
  const click = (e: MouseEvent<SVGSVGElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    onSeek(((e.clientX - r.left) / r.width) * d);
  };
  const key = (e: KeyboardEvent<SVGSVGElement>) => {
    if (e.key === 'ArrowLeft') (e.preventDefault(), e.stopPropagation(), onSeek(Math.max(0, time - 5)));
    if (e.key === 'ArrowRight') (e.preventDefault(), e.stopPropagation(), onSeek(Math.min(d, time + 5)));
  };
  return (
    <figure className="timeline">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        width="100%"
        height={H}
        onClick={click}
        onKeyDown={key}
        tabIndex={0}
        role="slider"
        aria-label={t('item.timeline')}
        aria-valuemin={0}
        aria-valuemax={Math.round(d)}
        aria-valuenow={Math.round(time)}
        aria-valuetext={formatClock(time)}
        data-testid="timeline"
      >
        <rect x={0} y={0} width={W} height={H} className="tl-bg" />
        {segments.map((s, i) => (
          <rect key={`s${i}`} x={x(s.startSec)} y={0} width={Math.max(2, x(s.endSec) - x(s.startSec))} height={H} className="tl-segment" data-testid="activity-segment">
            <title>{`${formatClock(s.startSec)} – ${formatClock(s.endSec)}`}</title>
          </rect>
        ))}
        {path && <path d={path} className="tl-curve" />}
        {annotations.map((a) => (
          <rect key={a.id} x={x(a.startSec)} y={H - 8} width={Math.max(2, x(a.endSec) - x(a.startSec))} height={6} className="tl-annotation">
            <title>{a.note}</title>
          </rect>
        ))}
        {markIn !== null && markOut !== null && markOut > markIn && <rect x={x(markIn)} y={0} width={x(markOut) - x(markIn)} height={H} className="tl-range" />}
        {markIn !== null && <line x1={x(markIn)} x2={x(markIn)} y1={0} y2={H} className="tl-mark" />}
        {markOut !== null && <line x1={x(markOut)} x2={x(markOut)} y1={0} y2={H} className="tl-mark" />}
        <line x1={x(time)} x2={x(time)} y1={0} y2={H} className="tl-playhead" />
      </svg>
      <figcaption className="muted small">
        <span>{formatClock(0)}</span>
        <span>{t('item.timelineHint')}</span>
        <span>{formatClock(duration)}</span>
      </figcaption>
    </figure>
  );
}
