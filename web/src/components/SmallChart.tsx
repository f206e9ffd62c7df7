// A small uPlot chart over data the page already holds (the best-so-far
// curve of a tuning experiment, a deployment's recent request rate and
// latency). Polls give it new data: the plot is made once per series set
// and size, and new data is swapped in (no flicker). Optionally a click on
// the chart picks the data index under the cursor.
import { useEffect, useRef, useState } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber } from '../lib/format';

export interface SmallSeries {
  label: string;
  color: string;
  line: boolean; // false: points only
  dash?: number[];
  stepped?: boolean;
}

interface Props {
  data: AlignedData;
  series: SmallSeries[];
  xLabel: string;
  xTime?: boolean;
  yFormat?: (v: number) => string;
  height?: number;
  testId: string;
  label: string; // accessible name of the chart
  onPick?: (index: number) => void;
}

export function SmallChart({ data, series, xLabel, xTime = false, yFormat = formatNumber, height = 240, testId, label, onPick }: Props) {
  const boxRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [drawn, setDrawn] = useState(false);
  const plotRef = useRef<uPlot | null>(null);
  const dataRef = useRef(data);
  dataRef.current = data;
  const pickRef = useRef(onPick);
  pickRef.current = onPick;
  useEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const update = () => setWidth(Math.max(200, Math.floor(el.clientWidth)));
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const seriesKey = JSON.stringify(series);
  useEffect(() => {
    const el = boxRef.current;
    if (!el || !width) return;
    const points = dataRef.current[0]?.length ?? 0;
    const opts: Options = {
      width,
      height,
      scales: { x: { time: xTime } },
      axes: [{}, { values: (_u, splits) => splits.map((v) => yFormat(v)), size: 64 }],
      legend: { show: true },
      series: [
        { label: xLabel },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.line ? 2 : 0,
          dash: s.dash,
          spanGaps: true,
          paths: s.line ? (s.stepped ? uPlot.paths.stepped!({ align: 1 }) : undefined) : () => null,
          points: { show: !s.line || points <= 2, size: s.line ? 5 : 7, fill: s.color, stroke: s.color },
        })),
      ],
      hooks: { draw: [() => setDrawn(true)] },
    };
    const plot = new uPlot(opts, dataRef.current, el);
    plotRef.current = plot;
    const click = () => {
      const idx = plot.cursor.idx;
      if (pickRef.current && idx !== null && idx !== undefined) pickRef.current(idx);
    };
    plot.over.addEventListener('click', click);
    return () => {
      plot.over.removeEventListener('click', click);
      plot.destroy();
      plotRef.current = null;
    };
  }, [seriesKey, width, height, xLabel, xTime]);

  useEffect(() => {
    plotRef.current?.setData(data);
  }, [data]);

  return (
    <div className={onPick ? 'small-chart pickable' : 'small-chart'} data-testid={testId} data-drawn={drawn ? 'true' : 'false'} role="img" aria-label={label}>
      <div ref={boxRef} className="chart-box" style={{ minHeight: height }} />
    </div>
  );
}
