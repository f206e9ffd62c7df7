// Objective per trial, in completion order, as points, and the best value
// so far as a step line (min when minimizing, max when maximizing).
import { useMemo } from 'react';
import type { AlignedData } from 'uplot';
import type { Trial } from '../api/tuning';
import { bestSoFar } from '../lib/tuning';
import { SmallChart } from './SmallChart';

// A click on the chart opens the trial under the cursor.
export function BestSoFarChart({
  trials,
  objective,
  type,
  onOpen,
}: {
  trials: Trial[];
  objective: string;
  type: 'minimize' | 'maximize';
  onOpen?: (trialName: string) => void;
}) {
  const curve = useMemo(() => bestSoFar(trials, type), [trials, type]);
  const data = useMemo(() => [curve.order, curve.values, curve.best] as AlignedData, [curve]);
  if (curve.values.length === 0) {
    return <p className="muted small" data-testid="best-so-far-empty">No trial has reported {objective} yet.</p>;
  }
  return (
    <>
      <SmallChart
        testId="best-so-far"
        label={`${objective} per trial in completion order and the best so far (${type})`}
        data={data}
        xLabel="trial #"
        onPick={onOpen ? (i) => curve.names[i] && onOpen(curve.names[i]) : undefined}
        series={[
          { label: objective, color: '#2f6fdf', line: false },
          { label: `best (${type === 'minimize' ? 'min' : 'max'})`, color: '#e0662b', line: true, stepped: true },
        ]}
      />
      {onOpen && <p className="muted small">Click a point to open its trial.</p>}
    </>
  );
}
