// Compare runs: overlaid metric charts, a params/metrics diff table, a
// scatter plot and parallel coordinates of chosen columns. Selection in the URL.
import { useMemo, useState } from 'react';
import { getExperiment, getRun } from '../api/mlflow';
import type { Run } from '../api/types';
import { ChartControls } from '../components/ChartControls';
import { Breadcrumbs, EmptyState, ErrorState, Loading } from '../components/common';
import { ChartCard, PALETTE } from '../components/MetricChart';
import { differs, makeAxis, type AxisValue } from '../lib/axes';
import { columnId, parseColumnId, type ColumnRef } from '../lib/filter';
import { formatNumber, metricValue } from '../lib/format';
import { useAsync } from '../lib/hooks';
import { href, replaceHash, type CompareView } from '../lib/urlState';

interface Col {
  ref: ColumnRef;
  label: string;
}

function value(run: Run, c: ColumnRef): AxisValue {
  if (c.entity === 'metrics') {
    const m = run.data.metrics?.find((x) => x.key === c.key);
    return m === undefined ? undefined : metricValue(m.value);
  }
  if (c.entity === 'params') return run.data.params?.find((x) => x.key === c.key)?.value;
  if (c.entity === 'tags') return run.data.tags?.find((x) => x.key === c.key)?.value;
  return undefined;
}

const runLabel = (r: Run) => r.info.run_name || r.info.run_id.slice(0, 8);

function ColumnSelect({ label, cols, value: v, onChange }: { label: string; cols: Col[]; value: string; onChange: (id: string) => void }) {
  return (
    <label>
      {label}{' '}
      <select aria-label={label} value={v} onChange={(e) => onChange(e.target.value)}>
        {cols.map((c) => (
          <option key={columnId(c.ref)} value={columnId(c.ref)}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function Scatter({ runs, x, y }: { runs: Run[]; x: ColumnRef; y: ColumnRef }) {
  const W = 520;
  const H = 320;
  const P = { l: 60, r: 16, t: 12, b: 40 };
  const xs = runs.map((r) => value(r, x));
  const ys = runs.map((r) => value(r, y));
  const ax = makeAxis(xs);
  const ay = makeAxis(ys);
  const px = (t: number) => P.l + t * (W - P.l - P.r);
  const py = (t: number) => H - P.b - t * (H - P.t - P.b);
  const plotted = runs.filter((_, i) => ax.pos(xs[i]) !== null && ay.pos(ys[i]) !== null).length;
  return (
    <figure className="plot" data-testid="scatter-plot">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={`Scatter of ${y.key} against ${x.key}`}>
        <line x1={P.l} y1={H - P.b} x2={W - P.r} y2={H - P.b} className="axis" />
        <line x1={P.l} y1={P.t} x2={P.l} y2={H - P.b} className="axis" />
        {ax.ticks.map((t, i) => (
          <text key={`x${i}`} x={px(t.at)} y={H - P.b + 16} className="tick" textAnchor="middle">
            {t.label.slice(0, 12)}
          </text>
        ))}
        {ay.ticks.map((t, i) => (
          <text key={`y${i}`} x={P.l - 6} y={py(t.at) + 4} className="tick" textAnchor="end">
            {t.label.slice(0, 10)}
          </text>
        ))}
        <text x={(P.l + W - P.r) / 2} y={H - 4} className="axis-label" textAnchor="middle">{x.key}</text>
        <text x={12} y={(P.t + H - P.b) / 2} className="axis-label" textAnchor="middle" transform={`rotate(-90 12 ${(P.t + H - P.b) / 2})`}>{y.key}</text>
        {runs.map((r, i) => {
          const a = ax.pos(xs[i]);
          const b = ay.pos(ys[i]);
          if (a === null || b === null) return null;
          return (
            <circle key={r.info.run_id} cx={px(a)} cy={py(b)} r={5} fill={PALETTE[i % PALETTE.length]} className="dot">
              <title>{`${runLabel(r)}: ${x.key}=${xs[i]}, ${y.key}=${formatNumber(ys[i] as number)}`}</title>
            </circle>
          );
        })}
      </svg>
      <figcaption className="muted">
        {plotted} of {runs.length} runs have both values.
      </figcaption>
    </figure>
  );
}

function Parallel({ runs, axes, target }: { runs: Run[]; axes: ColumnRef[]; target: ColumnRef }) {
  const all = [...axes, target];
  const W = Math.max(420, all.length * 140);
  const H = 320;
  const P = { l: 40, r: 60, t: 28, b: 24 };
  const built = all.map((c) => {
    const vals = runs.map((r) => value(r, c));
    return { c, vals, axis: makeAxis(vals) };
  });
  const colorAxis = built[built.length - 1];
  const ax = (i: number) => P.l + (all.length === 1 ? 0 : (i * (W - P.l - P.r)) / (all.length - 1));
  const ay = (t: number) => H - P.b - t * (H - P.t - P.b);
  const color = (t: number | null) => (t === null ? '#999' : `hsl(${Math.round(220 - 200 * t)}, 70%, 45%)`);
  return (
    <figure className="plot" data-testid="parallel-plot">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label="Parallel coordinates">
        {built.map((b, i) => (
          <g key={columnId(b.c)}>
            <line x1={ax(i)} x2={ax(i)} y1={P.t} y2={H - P.b} className="axis" />
            <text x={ax(i)} y={P.t - 10} textAnchor="middle" className="axis-label">{b.c.key.slice(0, 18)}</text>
            {b.axis.ticks.map((t, j) => (
              <text key={j} x={ax(i) + 4} y={ay(t.at) + 4} className="tick">{t.label.slice(0, 10)}</text>
            ))}
          </g>
        ))}
        {runs.map((r, k) => {
          const pts = built.map((b, i) => {
            const t = b.axis.pos(b.vals[k]);
            return t === null ? null : `${ax(i)},${ay(t)}`;
          });
          if (pts.some((p) => p === null)) return null;
          return (
            <polyline key={r.info.run_id} points={pts.join(' ')} fill="none" stroke={color(colorAxis.axis.pos(colorAxis.vals[k]))} strokeWidth={2} className="pline">
              <title>{runLabel(r)}</title>
            </polyline>
          );
        })}
      </svg>
      <figcaption className="muted">Lines are coloured by {target.key} (blue low, red high); runs missing a value are left out.</figcaption>
    </figure>
  );
}

export default function ComparePage({ experimentId, view }: { experimentId: string; view: CompareView }) {
  const experiment = useAsync((signal) => getExperiment(experimentId, signal), [experimentId]);
  const runsKey = view.runs.join(',');
  const runs = useAsync((signal) => Promise.all(view.runs.map((id) => getRun(id, signal))), [runsKey]);
  const [onlyDiff, setOnlyDiff] = useState(true);
  const set = (next: Partial<CompareView>) => replaceHash(href.compare(experimentId, { ...view, ...next }));

  const data = runs.data;
  const cols = useMemo(() => {
    const metrics = new Set<string>();
    const params = new Set<string>();
    for (const r of data ?? []) {
      r.data.metrics?.forEach((m) => metrics.add(m.key));
      r.data.params?.forEach((p) => params.add(p.key));
    }
    const sort = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
    return { metrics: sort(metrics), params: sort(params) };
  }, [data]);
  const chartRuns = useMemo(
    () => (data ?? []).map((r) => ({ runId: r.info.run_id, label: runLabel(r), startTime: r.info.start_time })),
    [data],
  );

  const crumbs = [
    { label: 'Experiments', href: href.experiments() },
    { label: experiment.data?.name ?? `Experiment ${experimentId}`, href: href.experiment(experimentId) },
    { label: 'Compare runs' },
  ];
  if (view.runs.length < 2) {
    return (
      <div className="page">
        <Breadcrumbs items={crumbs} />
        <EmptyState title="Choose at least two runs to compare">
          Tick runs in the <a href={href.experiment(experimentId)}>runs table</a>, then press Compare.
        </EmptyState>
      </div>
    );
  }
  if (runs.error) {
    return (
      <div className="page">
        <Breadcrumbs items={crumbs} />
        <ErrorState error={runs.error} retry={runs.reload} title="Could not load the runs" />
      </div>
    );
  }
  if (!data) return <Loading what="Loading runs" />;

  const metricCols: Col[] = cols.metrics.map((k) => ({ ref: { entity: 'metrics', key: k }, label: `metric: ${k}` }));
  const paramCols: Col[] = cols.params.map((k) => ({ ref: { entity: 'params', key: k }, label: `param: ${k}` }));
  const allCols = [...paramCols, ...metricCols];
  const shared = cols.metrics.filter((k) => data.every((r) => r.data.metrics?.some((m) => m.key === k)));
  const chartKeys = view.metrics.length ? view.metrics.filter((k) => cols.metrics.includes(k)) : shared.slice(0, 2);
  const diffParams = cols.params.filter((k) => differs(data.map((r) => value(r, { entity: 'params', key: k }))));
  const pick = (id: string, fallback: ColumnRef | undefined) => parseColumnId(id) ?? fallback;
  const sx = pick(view.scatterX, paramCols.find((c) => diffParams.includes(c.ref.key))?.ref ?? allCols[0]?.ref);
  const sy = pick(view.scatterY, metricCols[0]?.ref);
  const target = pick(view.target, metricCols[0]?.ref);
  const axes = view.axes.length
    ? view.axes.map(parseColumnId).filter((c): c is ColumnRef => c !== null)
    : diffParams.slice(0, 6).map((k) => ({ entity: 'params' as const, key: k }));

  const rows: { kind: string; key: string; values: AxisValue[] }[] = [
    ...cols.params.map((k) => ({ kind: 'param', key: k, values: data.map((r) => value(r, { entity: 'params', key: k })) })),
    ...cols.metrics.map((k) => ({ kind: 'metric', key: k, values: data.map((r) => value(r, { entity: 'metrics', key: k })) })),
  ];
  const shownRows = onlyDiff ? rows.filter((r) => differs(r.values)) : rows;

  return (
    <div className="page page-wide">
      <Breadcrumbs items={crumbs} />
      <h1>Compare {data.length} runs</h1>
      <ul className="run-chips" aria-label="Compared runs">
        {data.map((r, i) => (
          <li key={r.info.run_id}>
            <span className="swatch" style={{ background: PALETTE[i % PALETTE.length] }} aria-hidden="true" />
            <a href={href.run(r.info.experiment_id, r.info.run_id)}>{runLabel(r)}</a>
          </li>
        ))}
      </ul>

      <section>
        <h2>Metric charts</h2>
        {cols.metrics.length === 0 ? (
          <EmptyState title="These runs have no metrics" />
        ) : (
          <>
            <ChartControls chart={view} onChange={set}>
              <details className="metric-select">
                <summary>Metrics ({chartKeys.length})</summary>
                <div className="popover-body">
                  {cols.metrics.map((k) => (
                    <label key={k} className="check">
                      <input
                        type="checkbox"
                        checked={chartKeys.includes(k)}
                        onChange={() => set({ metrics: chartKeys.includes(k) ? chartKeys.filter((x) => x !== k) : [...chartKeys, k] })}
                      />
                      {k}
                    </label>
                  ))}
                </div>
              </details>
            </ChartControls>
            {chartKeys.length === 0 && <EmptyState title="No metric chosen">Pick metrics above.</EmptyState>}
            <div className="chart-grid">
              {chartKeys.map((k) => (
                <ChartCard key={k} metricKey={k} runs={chartRuns} x={view.x} smooth={view.smooth} log={view.log} />
              ))}
            </div>
          </>
        )}
      </section>

      <section>
        <h2>
          Parameters and metrics{' '}
          <label className="check inline">
            <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} /> only differences
          </label>
        </h2>
        {shownRows.length === 0 ? (
          <EmptyState title={onlyDiff ? 'No differences' : 'Nothing logged'}>{onlyDiff ? 'All params and metrics are equal.' : ''}</EmptyState>
        ) : (
          <div className="diff-wrap">
            <table className="list diff" data-testid="diff-table">
              <thead>
                <tr>
                  <th>Key</th>
                  {data.map((r, i) => (
                    <th key={r.info.run_id}>
                      <span className="swatch" style={{ background: PALETTE[i % PALETTE.length] }} aria-hidden="true" /> {runLabel(r)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {shownRows.map((row) => (
                  <tr key={`${row.kind}:${row.key}`} className={differs(row.values) ? 'differs' : ''}>
                    <th scope="row">
                      <span className="muted">{row.kind}</span> {row.key}
                    </th>
                    {row.values.map((v, i) => (
                      <td key={i} className={typeof v === 'number' ? 'num' : ''}>
                        {v === undefined ? <span className="muted">—</span> : typeof v === 'number' ? formatNumber(v) : v}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <div className="two-col">
        <section>
          <h2>Scatter</h2>
          {sx && sy ? (
            <>
              <div className="toolbar">
                <ColumnSelect label="X" cols={allCols} value={columnId(sx)} onChange={(id) => set({ scatterX: id })} />
                <ColumnSelect label="Y" cols={allCols} value={columnId(sy)} onChange={(id) => set({ scatterY: id })} />
              </div>
              <Scatter runs={data} x={sx} y={sy} />
            </>
          ) : (
            <EmptyState title="Nothing to plot" />
          )}
        </section>
        <section>
          <h2>Parallel coordinates</h2>
          {target ? (
            <>
              <div className="toolbar">
                <details className="metric-select">
                  <summary>Axes ({axes.length})</summary>
                  <div className="popover-body">
                    {paramCols.concat(metricCols).map((c) => {
                      const id = columnId(c.ref);
                      const on = axes.some((a) => columnId(a) === id);
                      return (
                        <label key={id} className="check">
                          <input
                            type="checkbox"
                            checked={on}
                            onChange={() =>
                              set({ axes: on ? axes.filter((a) => columnId(a) !== id).map(columnId) : [...axes.map(columnId), id] })
                            }
                          />
                          {c.label}
                        </label>
                      );
                    })}
                  </div>
                </details>
                <ColumnSelect label="Colour by" cols={metricCols.length ? metricCols : allCols} value={columnId(target)} onChange={(id) => set({ target: id })} />
              </div>
              <Parallel runs={data} axes={axes} target={target} />
            </>
          ) : (
            <EmptyState title="No metric to colour by" />
          )}
        </section>
      </div>
    </div>
  );
}
