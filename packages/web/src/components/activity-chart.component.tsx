// Activity per camera over time: one row per camera, a bar per hour, darker for more activity.
// A plain SVG so it stays readable and prints; the numbers are in the title of each bar.
import { useI18n } from '../i18n/i18n.js';

type Row = { camera: string; clock?: 'overlay' | 'position'; hours: { t: string; score: number }[] };

/** Overlay-clock rows on one time axis; rows without a read clock on their own axis (hours into the file). */
export function ActivityChart({ rows }: { rows: Row[] }) {
  const { t } = useI18n();
  const clocked = rows.filter((r) => r.clock !== 'position');
  const positioned = rows.filter((r) => r.clock === 'position');
  return (
    <>
      {clocked.length > 0 && <ActivityAxis rows={clocked} position={false} />}
      {positioned.length > 0 && (
        <>
          <p className="muted small">{t('dash.byPosition')}</p>
          <ActivityAxis rows={positioned} position />
        </>
      )}
    </>
  );
}

function ActivityAxis({ rows, position }: { rows: Row[]; position: boolean }) {
  const { date: dateOf, num, t: tr } = useI18n();
  const hourOf = (d: string) => Number(/^PT(\d+)H$/.exec(d)?.[1] ?? 0);
  const date = (x: string | undefined) => (x === undefined ? '' : position ? tr('dash.positionHour', { h: hourOf(x) }) : dateOf(x));
  const times = [...new Set(rows.flatMap((r) => r.hours.map((h) => h.t)))].sort(position ? (a, b) => hourOf(a) - hourOf(b) : undefined);
  if (times.length === 0) return null;
  const max = Math.max(1e-9, ...rows.flatMap((r) => r.hours.map((h) => h.score)));
  const label = 120;
  const cell = Math.max(6, Math.min(28, Math.floor(760 / times.length)));
  const rowH = 26;
  const width = label + cell * times.length + 8;
  const height = rowH * rows.length + 28;
  return (
    <svg className="activity-chart" viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label="activity per camera">
      {rows.map((r, i) => (
        <g key={r.camera} transform={`translate(0 ${i * rowH})`}>
          <text x={0} y={rowH / 2 + 4} className="chart-label">{r.camera}</text>
          <line x1={label} x2={width - 8} y1={rowH - 2} y2={rowH - 2} className="chart-rule" />
          {r.hours.map((h) => {
            const x = label + times.indexOf(h.t) * cell;
            const v = h.score / max;
            const bh = Math.max(1, v * (rowH - 6));
            return (
              <rect key={h.t} x={x + 1} y={rowH - 2 - bh} width={cell - 2} height={bh} rx={1.5} className="chart-bar" style={{ opacity: 0.35 + 0.65 * v }}>
                <title>{`${r.camera} · ${date(h.t)} · ${num(Math.round(h.score * 100) / 100)}`}</title>
              </rect>
            );
          })}
        </g>
      ))}
      <text x={label} y={height - 6} className="chart-axis">{date(times[0])}</text>
      <text x={width - 8} y={height - 6} textAnchor="end" className="chart-axis">{date(times[times.length - 1])}</text>
    </svg>
  );
}
