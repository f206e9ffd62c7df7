import type { ReactNode } from 'react';
import type { ChartView, XAxis } from '../lib/urlState';

export function ChartControls({ chart, onChange, children }: { chart: ChartView; onChange: (next: Partial<ChartView>) => void; children?: ReactNode }) {
  return (
    <div className="toolbar chart-controls">
      <label>
        X axis{' '}
        <select aria-label="X axis" value={chart.x} onChange={(e) => onChange({ x: e.target.value as XAxis })}>
          <option value="step">Step</option>
          <option value="time">Wall time</option>
          <option value="relative">Relative time</option>
        </select>
      </label>
      <label>
        Smoothing{' '}
        <input
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          aria-label="Smoothing"
          value={chart.smooth}
          onChange={(e) => onChange({ smooth: Number(e.target.value) })}
        />{' '}
        <span className="mono">{chart.smooth.toFixed(2)}</span>
      </label>
      <label className="check">
        <input type="checkbox" checked={chart.log} onChange={(e) => onChange({ log: e.target.checked })} /> Log scale
      </label>
      {children}
      <span className="muted hint">Drag on a chart to zoom (loads detail), double-click to reset.</span>
    </div>
  );
}
