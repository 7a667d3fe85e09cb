// A small time-series chart in inline SVG: one line per series, a shaded
// normal band, and an optional marker (the moment an alert was raised).
import { formatClock } from '../time.ts';

export interface ChartPoint {
  atMs: number;
  value: number;
}

export interface LineChartProps {
  label: string;
  unit: string;
  points: ChartPoint[];
  /** The normal range, drawn as a shaded band. */
  normal?: [number, number];
  markerMs?: number;
  width?: number;
  height?: number;
}

const padding = { left: 40, right: 8, top: 12, bottom: 22 };

export function LineChart(props: LineChartProps): preact.JSX.Element {
  const width = props.width ?? 420;
  const height = props.height ?? 150;
  const { points } = props;
  if (points.length === 0) {
    return (
      <figure class="chart empty">
        <figcaption>{props.label}</figcaption>
      </figure>
    );
  }
  const times = points.map((point) => point.atMs);
  const values = points.map((point) => point.value);
  const fromMs = Math.min(...times, props.markerMs ?? Infinity);
  const untilMs = Math.max(...times, props.markerMs ?? -Infinity);
  const low = Math.min(...values, props.normal?.[0] ?? Infinity);
  const high = Math.max(...values, props.normal?.[1] ?? -Infinity);
  const span = Math.max(high - low, 1);
  const x = (atMs: number): number =>
    padding.left +
    ((atMs - fromMs) / Math.max(untilMs - fromMs, 1)) * (width - padding.left - padding.right);
  const y = (value: number): number =>
    padding.top + (1 - (value - low) / span) * (height - padding.top - padding.bottom);
  const path = points
    .map((point, index) => `${index === 0 ? 'M' : 'L'}${x(point.atMs)},${y(point.value)}`)
    .join(' ');
  const last = points[points.length - 1]!;

  return (
    <figure class="chart">
      <figcaption>
        {props.label} <strong>{Math.round(last.value)}</strong> {props.unit}
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.label}>
        {props.normal && (
          <rect
            class="normal"
            x={padding.left}
            width={width - padding.left - padding.right}
            y={y(props.normal[1])}
            height={Math.max(y(props.normal[0]) - y(props.normal[1]), 0)}
          />
        )}
        <text class="axis" x={padding.left - 4} y={y(high) + 4} text-anchor="end">
          {Math.round(high)}
        </text>
        <text class="axis" x={padding.left - 4} y={y(low) + 4} text-anchor="end">
          {Math.round(low)}
        </text>
        <text class="axis" x={padding.left} y={height - 4}>
          {formatClock(fromMs)}
        </text>
        <text class="axis" x={width - padding.right} y={height - 4} text-anchor="end">
          {formatClock(untilMs)}
        </text>
        {props.markerMs !== undefined && (
          <line
            class="marker"
            x1={x(props.markerMs)}
            x2={x(props.markerMs)}
            y1={padding.top}
            y2={height - padding.bottom}
          />
        )}
        <path class="series" d={path} />
      </svg>
    </figure>
  );
}
