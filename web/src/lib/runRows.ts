// Flattened runs for the table: one lookup per cell instead of a scan of
// the run's lists.
import type { Run } from '../api/types';
import { metricValue, runDuration } from './format';

// The parsed run is not kept: with 10,000 runs x hundreds of keys the
// JSON objects would dominate the heap (and GC pauses while scrolling).
export interface RunRow {
  id: string;
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

// The keys seen in the loaded runs, sorted. `into` (optional) is extended
// in place, so pages can be added one at a time.
export interface KeyCollector {
  metrics: Set<string>;
  params: Set<string>;
  tags: Set<string>;
}

export function newKeyCollector(): KeyCollector {
  return { metrics: new Set(), params: new Set(), tags: new Set() };
}

export function addKeys(into: KeyCollector, rows: RunRow[]): KeySets {
  for (const r of rows) {
    for (const k of r.metrics.keys()) into.metrics.add(k);
    for (const k of r.params.keys()) into.params.add(k);
    for (const k of r.tags.keys()) into.tags.add(k);
  }
  const sorted = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return { metrics: sorted(into.metrics), params: sorted(into.params), tags: sorted(into.tags) };
}

export function collectKeys(rows: RunRow[]): KeySets {
  return addKeys(newKeyCollector(), rows);
}
