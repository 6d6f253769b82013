/**
 * A grouped bar chart of metrics across versions, drawn as SVG on the server: one group per
 * metric, one bar per version, each bar scaled to the largest absolute value of its metric (so
 * AUC and latency can share a picture), its value written above it.
 */
import { formatMetric } from "./badges";

export interface ChartSeries {
  label: string;
  metrics: Record<string, number>;
}

export function MetricsChart({ series, metrics }: { series: ChartSeries[]; metrics: string[] }) {
  const shown = metrics.slice(0, 12);
  if (shown.length === 0 || series.length === 0) return <p class="muted">No metrics to chart.</p>;
  const bar = 36;
  const gap = 18;
  const groupW = series.length * bar + gap;
  const chartH = 160;
  const left = 10;
  const top = 20;
  const width = left + shown.length * groupW + 10;
  const height = top + chartH + 48;
  return (
    <figure>
      <div class="legend" aria-hidden="true">
        {series.map((s, i) => (
          <span class={`l${i % 6}`}>{s.label}</span>
        ))}
      </div>
      <svg
        class="chart"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-labelledby="chart-title"
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id="chart-title">{`Metrics of ${series.map((s) => s.label).join(", ")}`}</title>
        <line class="axis" x1={left} x2={width - 10} y1={top + chartH} y2={top + chartH} />
        {shown.map((m, g) => {
          const max = Math.max(...series.map((s) => Math.abs(s.metrics[m] ?? 0)), Number.MIN_VALUE);
          const gx = left + g * groupW + gap / 2;
          return (
            <g>
              {series.map((s, i) => {
                const v = s.metrics[m];
                if (v === undefined) return null;
                const h = Math.max(1, (Math.abs(v) / max) * chartH);
                return (
                  <g>
                    <rect
                      class={`s${i % 6}`}
                      x={gx + i * bar}
                      y={top + chartH - h}
                      width={bar - 3}
                      height={h}
                    >
                      <title>{`${s.label} ${m} = ${v}`}</title>
                    </rect>
                    <text
                      x={gx + i * bar + (bar - 3) / 2}
                      y={top + chartH - h - 3}
                      text-anchor="middle"
                      font-size="10"
                    >
                      {formatMetric(v)}
                    </text>
                  </g>
                );
              })}
              <text x={gx + (series.length * bar) / 2} y={top + chartH + 16} text-anchor="middle">
                {m.length > 14 ? `${m.slice(0, 13)}…` : m}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption class="hint">Bars are scaled per metric; hover a bar for its exact value.</figcaption>
    </figure>
  );
}
