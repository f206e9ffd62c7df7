// Flattened runs for the table: one lookup per cell instead of a scan of
// the run's lists.
import type { Run } from '../api/types';
import { metricValue, runDuration } from './format';

export interface RunRow {
  id: string;
  run: Run;
  name: string;
  status: string;
  start?: number;
  end?: number;
  duration: number | null;
  user: string;
  source: string;
  metrics: Map<string, number>;
  params: Map<string, string>;
  tags: Map<string, string>;
}

export function toRunRow(run: Run): RunRow {
  const metrics = new Map<string, number>();
  for (const m of run.data.metrics ?? []) metrics.set(m.key, metricValue(m.value));
  const params = new Map<string, string>();
  for (const p of run.data.params ?? []) params.set(p.key, p.value);
  const tags = new Map<string, string>();
  for (const t of run.data.tags ?? []) tags.set(t.key, t.value);
  const info = run.info;
  return {
    id: info.run_id,
    run,
    name: info.run_name || tags.get('mlflow.runName') || info.run_id,
    status: info.status ?? '',
    start: info.start_time,
    end: info.end_time,
    duration: runDuration(info.start_time, info.end_time, info.status),
    user: info.user_id || tags.get('mlflow.user') || '',
    source: tags.get('mlflow.source.name') ?? '',
    metrics,
    params,
    tags,
  };
}

export interface KeySets {
  metrics: string[];
  params: string[];
  tags: string[];
}

// The keys seen in the loaded runs, sorted.
export function collectKeys(rows: RunRow[]): KeySets {
  const m = new Set<string>();
  const p = new Set<string>();
  const t = new Set<string>();
  for (const r of rows) {
    for (const k of r.metrics.keys()) m.add(k);
    for (const k of r.params.keys()) p.add(k);
    for (const k of r.tags.keys()) t.add(k);
  }
  const sorted = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return { metrics: sorted(m), params: sorted(p), tags: sorted(t) };
}
