// Data logic of the tuning pages: the best-so-far curve, importance bars,
// the trials table (parameter columns, filter, sort) and state colours.
import type { ExperimentState, Importance, Trial, TrialState, TuningExperiment } from '../api/tuning';
import type { TrialSortKey, TuningExperimentView } from './urlState';

export const EXPERIMENT_STATE_CLASS: Record<ExperimentState, string> = {
  CREATED: 'none',
  RUNNING: 'run',
  SUCCEEDED: 'ok',
  FAILED: 'bad',
  STOPPED: 'warn',
};

export const TRIAL_STATE_CLASS: Record<TrialState, string> = {
  PENDING: 'none',
  RUNNING: 'run',
  SUCCEEDED: 'ok',
  FAILED: 'bad',
  METRICS_UNAVAILABLE: 'bad',
  KILLED: 'warn',
  EARLY_STOPPED: 'warn',
};

export function isActiveExperiment(e: TuningExperiment): boolean {
  return e.state === 'CREATED' || e.state === 'RUNNING';
}

export function isActiveTrial(t: Trial): boolean {
  return t.state === 'PENDING' || t.state === 'RUNNING';
}

export function trialDuration(t: Trial, now = Date.now()): number | null {
  if (!t.started_ms) return null;
  if (t.finished_ms) return t.finished_ms - t.started_ms;
  return isActiveTrial(t) ? now - t.started_ms : null;
}

export function hasObjective(t: Trial): t is Trial & { objective: number } {
  return typeof t.objective === 'number' && Number.isFinite(t.objective);
}

export interface BestSoFar {
  // Trials with an objective, in the order they finished.
  names: string[];
  order: number[]; // 1..n
  values: number[];
  best: number[]; // best value among the first i+1
}

// The objective of every trial that has one, in completion order (finish
// time, then trial index for ties and for trials still without a finish
// time), and the running best: min for minimize, max for maximize.
export function bestSoFar(trials: Trial[], objectiveType: 'minimize' | 'maximize'): BestSoFar {
  const done = trials
    .filter(hasObjective)
    .sort((a, b) => (a.finished_ms || Infinity) - (b.finished_ms || Infinity) || a.index - b.index);
  const better = objectiveType === 'maximize' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  const best: number[] = [];
  for (const t of done) {
    const prev = best.length ? best[best.length - 1] : undefined;
    best.push(prev === undefined || better(t.objective, prev) ? t.objective : prev);
  }
  return { names: done.map((t) => t.name), order: done.map((_, i) => i + 1), values: done.map((t) => t.objective), best };
}

export interface ImportanceBar extends Importance {
  share: number; // of the largest, 0..1: the bar's length
}

// Largest first (ties by name), each with its length relative to the
// largest, so the most important parameter always fills the row.
export function importanceBars(list: Importance[]): ImportanceBar[] {
  const sorted = list
    .filter((i) => Number.isFinite(i.importance))
    .sort((a, b) => b.importance - a.importance || a.name.localeCompare(b.name));
  const top = sorted.length ? sorted[0].importance : 0;
  return sorted.map((i) => ({ ...i, share: top > 0 ? Math.max(0, i.importance) / top : 0 }));
}

// Parameter names in the order the trials list them (first seen first).
export function parameterNames(trials: Trial[]): string[] {
  const seen = new Set<string>();
  for (const t of trials) for (const a of t.assignment ?? []) seen.add(a.name);
  return [...seen];
}

export function parameterValue(t: Trial, name: string): string | undefined {
  return t.assignment?.find((a) => a.name === name)?.value;
}

const TRIAL_STATE_ORDER: TrialState[] = ['RUNNING', 'PENDING', 'SUCCEEDED', 'EARLY_STOPPED', 'METRICS_UNAVAILABLE', 'FAILED', 'KILLED'];

// Values in `assignment` are text; numbers compare as numbers.
function asSortable(v: string | undefined): number | string | null {
  if (v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : v.toLowerCase();
}

// Trials shown by the table: the state filter, then the sort. Missing
// values (no objective yet, a trial without that parameter) sort last in
// either direction; ties keep trial order.
export function visibleTrials(trials: Trial[], view: Pick<TuningExperimentView, 'state' | 'sort'>, now = Date.now()): Trial[] {
  const kept = view.state ? trials.filter((t) => t.state === view.state) : [...trials];
  const { key, dir } = view.sort;
  const value = (t: Trial): number | string | null => {
    if (key === 'index') return t.index;
    if (key === 'name') return t.name.toLowerCase();
    if (key === 'state') return TRIAL_STATE_ORDER.indexOf(t.state);
    if (key === 'objective') return hasObjective(t) ? t.objective : null;
    if (key === 'duration') return trialDuration(t, now);
    return asSortable(parameterValue(t, key.slice('param:'.length)));
  };
  const sign = dir === 'asc' ? 1 : -1;
  return kept.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === vb ? a.index - b.index : va === null ? 1 : -1;
    // Numbers before text when a column mixes them.
    if (typeof va !== typeof vb) return typeof va === 'number' ? -1 : 1;
    const c = va < vb ? -1 : va > vb ? 1 : 0;
    return c !== 0 ? sign * c : a.index - b.index;
  });
}

// The default order a column gets on its first click: the best objective
// first, text A-Z, the rest descending.
export function firstSortDir(key: TrialSortKey, objectiveType: 'minimize' | 'maximize'): 'asc' | 'desc' {
  if (key === 'objective') return objectiveType === 'minimize' ? 'asc' : 'desc';
  if (key === 'name' || key === 'index' || key === 'state') return 'asc';
  return 'desc';
}

export function trialsProgress(e: TuningExperiment, counts: Partial<Record<TrialState, number>>): string {
  const done = Object.entries(counts)
    .filter(([s]) => s !== 'PENDING' && s !== 'RUNNING')
    .reduce((n, [, c]) => n + (c ?? 0), 0);
  return e.max_trial_count ? `${done} / ${e.max_trial_count}` : String(done);
}
