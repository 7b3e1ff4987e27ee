import { useEffect, useId, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import "./latency-chart.css";

export interface LatencySeries {
  label: string;
  /** [seconds since the epoch, latency in ms or null for a failed check], oldest first. */
  points: ReadonlyArray<readonly [number, number | null]>;
}

// Mid-tone colours that read on both the light and the dark panel.
const PALETTE = ["#2563eb", "#d97706", "#0d9488", "#c026d3", "#65a30d", "#dc2626"];

/** The series on one shared time axis, as uPlot wants them (null where a series has no point). */
export function alignSeries(series: readonly LatencySeries[]): uPlot.AlignedData {
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const at = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const ys = new Array<number | null>(times.length).fill(null);
    for (const [t, v] of s.points) ys[at.get(t)!] = v;
    return ys;
  });
  return [times, ...columns] as uPlot.AlignedData;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/**
 * Response times with uPlot, one line per node. The canvas is an image to a screen reader, named
 * by `label`; the figures that matter are given in text next to it by the page.
 */
export function LatencyChart({ series, label }: { series: readonly LatencySeries[]; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const legendId = useId();

  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt when the set of series changes
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const text = cssVar("--muted", "#4a5568");
    const grid = cssVar("--border", "#d5dbe3");
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const u = new uPlot(
      {
        width: Math.max(280, el.clientWidth),
        height: 240,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: [axis, { ...axis, label: "ms", size: 60 }],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: PALETTE[i % PALETTE.length],
            width: 2,
            spanGaps: false,
            points: { show: false },
          })),
        ],
      },
      alignSeries(series),
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(280, el.clientWidth), height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [series.map((s) => s.label).join("\n")]);

  // New points of the same series: the data is replaced, the chart kept.
  useEffect(() => {
    plot.current?.setData(alignSeries(series));
  }, [series]);

  return (
    <figure className="latency-chart">
      <div ref={box} role="img" aria-label={label} aria-describedby={legendId} />
      <ul className="chart-legend" id={legendId}>
        {series.map((s, i) => (
          <li key={s.label}>
            <span className={`swatch sw-${i % PALETTE.length}`} aria-hidden="true" />
            {s.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}
