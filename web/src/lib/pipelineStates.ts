// Pipeline run and task states as the UI shows them: one visual state per
// task (a cached success is its own state), its colour and label, and the
// counts shown in the runs list and on collapsed group nodes.
import type { PipelineTask, RunState, TaskState } from '../api/pipelines';

export type VisualState =
  | 'running'
  | 'succeeded'
  | 'cached'
  | 'failed'
  | 'skipped'
  | 'not_triggered'
  | 'pending'
  | 'cancelled';

// Display order: problems first, then progress, then the quiet states.
export const VISUAL_STATES: VisualState[] = [
  'failed',
  'running',
  'pending',
  'succeeded',
  'cached',
  'skipped',
  'not_triggered',
  'cancelled',
];

const FROM_TASK: Record<TaskState, VisualState> = {
  PENDING: 'pending',
  RUNNING: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  SKIPPED: 'skipped',
  NOT_TRIGGERED: 'not_triggered',
  CANCELLED: 'cancelled',
};

export function visualState(task: Pick<PipelineTask, 'state' | 'cached'>): VisualState {
  if (task.state === 'SUCCEEDED' && task.cached) return 'cached';
  return FROM_TASK[task.state] ?? 'pending';
}

// Colours are never the only signal: nodes and badges also carry the label.
export const STATE_STYLE: Record<VisualState, { label: string; fill: string; border: string; text: string }> = {
  running: { label: 'running', fill: '#e8f0fd', border: '#2f6fdf', text: '#1d4fa8' },
  succeeded: { label: 'succeeded', fill: '#e3f5ea', border: '#1f8a4c', text: '#17663a' },
  cached: { label: 'cached', fill: '#e6f4f4', border: '#2a8f8f', text: '#1e6b6b' },
  failed: { label: 'failed', fill: '#fde8ea', border: '#c8323f', text: '#9e1f2b' },
  skipped: { label: 'skipped', fill: '#f3f4f6', border: '#9aa4b2', text: '#55606f' },
  not_triggered: { label: 'not triggered', fill: '#f7f3ea', border: '#b7a27a', text: '#6f5c34' },
  pending: { label: 'pending', fill: '#ffffff', border: '#c3c9d1', text: '#667085' },
  cancelled: { label: 'cancelled', fill: '#fdf3e1', border: '#b7791f', text: '#8a5a14' },
};

export function isActiveRun(state: RunState | undefined): boolean {
  return state === 'PENDING' || state === 'RUNNING' || state === 'CANCELLING';
}

export const RUN_STATE_CLASS: Record<RunState, string> = {
  PENDING: 'none',
  RUNNING: 'run',
  SUCCEEDED: 'ok',
  FAILED: 'bad',
  CANCELLING: 'warn',
  CANCELLED: 'warn',
};

export type StateCounts = Partial<Record<VisualState, number>>;

// Counts the tasks that do work (containers and importers): DAG, loop and
// iteration nodes only group them and would count every failure twice.
export function countStates(tasks: Pick<PipelineTask, 'state' | 'cached' | 'kind'>[]): StateCounts {
  const counts: StateCounts = {};
  for (const t of tasks) {
    if (t.kind !== 'CONTAINER' && t.kind !== 'IMPORTER') continue;
    const v = visualState(t);
    counts[v] = (counts[v] ?? 0) + 1;
  }
  return counts;
}

export function countsSummary(counts: StateCounts): { state: VisualState; count: number }[] {
  return VISUAL_STATES.filter((s) => (counts[s] ?? 0) > 0).map((s) => ({ state: s, count: counts[s]! }));
}

export function totalCount(counts: StateCounts): number {
  return Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
}
