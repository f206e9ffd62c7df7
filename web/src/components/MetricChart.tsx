// One metric chart (uPlot) of one or more runs. Points come downsampled from
// the server (min/max per bucket, about one bucket per pixel); zooming (drag
// a range) refetches that range in detail, double-click or "Reset zoom" goes
// back. x = step, wall time or time relative to the run's start; optional
// EMA smoothing (raw line kept faint) and log scale.
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { metricSeries, type Series } from '../api/mlflow';
import { formatDuration, formatNumber } from '../lib/format';
import { useNearViewport } from '../lib/hooks';
import { smoothEma } from '../lib/smoothing';
import type { XAxis } from '../lib/urlState';
import { ErrorState } from './common';

export const PALETTE = ['#2f6fdf', '#e0662b', '#2a9d5b', '#b5339b', '#8a6d1f', '#1f9bb0', '#d63a4a', '#6b5bd2', '#5f7a2a', '#c27c0e'];

export interface ChartRun {
  runId: string;
  label: string;
  startTime?: number;
}

interface Props {
  metricKey: string;
  runs: ChartRun[];
  x: XAxis;
  smooth: number;
  log: boolean;
  height?: number;
}

// Server x units (step or ms) <-> plotted x (step, unix seconds, seconds since start).
function toPlotX(x: XAxis, v: number, t0: number): number {
  if (x === 'step') return v;
  if (x === 'time') return v / 1000;
  return (v - t0) / 1000;
}
function fromPlotX(x: XAxis, v: number, t0: number): number {
  if (x === 'step') return v;
  if (x === 'time') return v * 1000;
  return v * 1000 + t0;
}

export function ChartCard(props: Props & { title?: string }) {
  const [ref, visible] = useNearViewport<HTMLDivElement>();
  return (
    <section className="chart-card" ref={ref} aria-label={`Chart of ${props.metricKey}`}>
      <h3 className="chart-title" title={props.metricKey}>
        {props.title ?? props.metricKey}
      </h3>
      {visible ? <MetricChart {...props} /> : <div className="chart-placeholder" style={{ height: props.height ?? 220 }} />}
    </section>
  );
}

export function MetricChart({ metricKey, runs, x, smooth, log, height = 220 }: Props) {
  const boxRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const [width, setWidth] = useState(0);
  // The zoomed x range in plot units, for the axis and series it was made
  // on (changing either shows everything again).
  const [zoom, setZoom] = useState<{ view: string; a: number; b: number } | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [data, setData] = useState<{ series: Series[] } | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [drawnMs, setDrawnMs] = useState<number | null>(null);
  const startRef = useRef(0);
  const xKind = x === 'step' ? 'step' : 'time';
  const runKey = runs.map((r) => r.runId).join(',');

  useEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const update = () => setWidth(Math.max(200, Math.floor(el.clientWidth)));
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const view = `${x}|${runKey}|${metricKey}`;
  const range = zoom && zoom.view === view ? zoom : null;
  const setRange = (r: { a: number; b: number } | null) => setZoom(r ? { view, ...r } : null);

  const buckets = Math.max(50, Math.min(4000, Math.round(width || 600)));
  const bucketKey = Math.ceil(buckets / 100) * 100; // do not refetch for every pixel of a resize
  useEffect(() => {
    if (!width) return;
    const controller = new AbortController();
    startRef.current = performance.now();
    performance.mark(`chart:${metricKey}:fetch`);
    setError(null);
    Promise.all(
      runs.map((r) => {
        // Relative time is per run: each run's own start.
        const t0 = r.startTime ?? 0;
        const serverRange = range
          ? { start: Math.floor(fromPlotX(x, range.a, t0)), end: Math.ceil(fromPlotX(x, range.b, t0)) }
          : {};
        return metricSeries(r.runId, metricKey, xKind, bucketKey, serverRange, controller.signal);
      }),
    ).then(
      (series) => {
        if (controller.signal.aborted) return;
        performance.mark(`chart:${metricKey}:data`);
        setData({ series });
      },
      (e: Error) => {
        if (!controller.signal.aborted && e.name !== 'AbortError') setError(e);
      },
    );
    return () => controller.abort();
  }, [runKey, metricKey, x, bucketKey, range?.a, range?.b, width > 0, attempt]);

  const aligned = useMemo(() => {
    if (!data) return null;
    const parts: AlignedData[] = [];
    const labels: { label: string; color: string; raw: boolean }[] = [];
    data.series.forEach((s, i) => {
      const run = runs[i];
      const t0 = run?.startTime ?? s.timestamps[0] ?? 0;
      const xs = s.xs.map((v) => toPlotX(x, v, t0));
      const ys = s.ys.map((v) => (Number.isFinite(v) && (!log || v > 0) ? v : null));
      const color = PALETTE[i % PALETTE.length];
      if (smooth > 0) {
        parts.push([xs, ys] as AlignedData);
        labels.push({ label: `${run?.label ?? ''} (raw)`, color, raw: true });
        parts.push([xs, smoothEma(ys, smooth)] as AlignedData);
        labels.push({ label: run?.label ?? '', color, raw: false });
      } else {
        parts.push([xs, ys] as AlignedData);
        labels.push({ label: run?.label ?? '', color, raw: false });
      }
    });
    const joined = parts.length === 1 ? parts[0] : uPlot.join(parts);
    return { joined, labels };
  }, [data, runs, x, smooth, log]);

  const totalPoints = data?.series.reduce((n, s) => n + s.totalPoints, 0) ?? 0;
  const shownPoints = data?.series.reduce((n, s) => n + s.xs.length, 0) ?? 0;
  const downsampled = data?.series.some((s) => s.downsampled) ?? false;

  useEffect(() => {
    const el = boxRef.current;
    if (!el || !aligned || !width) return;
    const sparse = (data?.series ?? []).every((s) => s.xs.length <= 30);
    const opts: Options = {
      width,
      height,
      scales: {
        x: { time: x === 'time' },
        y: log ? { distr: 3 } : {},
      },
      axes: [
        {
          values:
            x === 'relative'
              ? (_u, splits) => splits.map((v) => formatDuration(v * 1000))
              : undefined,
        },
        { values: (_u, splits) => splits.map((v) => formatNumber(v)), size: 60 },
      ],
      legend: { show: aligned.labels.length > 1 && aligned.labels.length <= 20 },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: x === 'step' ? 'step' : x === 'time' ? 'time' : 'elapsed' },
        ...aligned.labels.map((l) => ({
          label: l.label,
          stroke: l.raw ? `${l.color}44` : l.color,
          width: l.raw ? 1 : 1.5,
          spanGaps: true,
          // Markers only where a line cannot show the data (a few points).
          points: { show: sparse, size: 5 },
        })),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 3) return;
            const a = u.posToVal(u.select.left, 'x');
            const b = u.posToVal(u.select.left + u.select.width, 'x');
            setRange({ a, b });
          },
        ],
        draw: [
          () => {
            performance.mark(`chart:${metricKey}:drawn`);
            setDrawnMs(Math.round(performance.now() - startRef.current));
          },
        ],
      },
    };
    plotRef.current?.destroy();
    performance.mark(`chart:${metricKey}:plot`);
    const plot = new uPlot(opts, aligned.joined, el);
    plotRef.current = plot;
    const reset = () => setRange(null);
    plot.over.addEventListener('dblclick', reset);
    return () => {
      plot.over.removeEventListener('dblclick', reset);
      plot.destroy();
      plotRef.current = null;
    };
  }, [aligned, width, height]);

  const empty = data && data.series.every((s) => s.xs.length === 0);
  return (
    <div
      className="metric-chart"
      data-testid="metric-chart"
      data-metric={metricKey}
      data-drawn={drawnMs !== null && !empty ? 'true' : 'false'}
    >
      {error && <ErrorState error={error} title={`Could not load ${metricKey}`} retry={() => setAttempt((n) => n + 1)} />}
      <div ref={boxRef} className="chart-box" style={{ minHeight: height }} />
      {empty && <p className="muted">No points in this range.</p>}
      <div className="chart-meta muted">
        {data && (
          <>
            {shownPoints.toLocaleString('en-US')} of {totalPoints.toLocaleString('en-US')} points
            {downsampled ? ' (min/max per pixel)' : ''}
            {drawnMs !== null && <> · drawn in {drawnMs} ms</>}
          </>
        )}
        {range && (
          <button type="button" className="link" onClick={() => setRange(null)}>
            Reset zoom
          </button>
        )}
      </div>
    </div>
  );
}
