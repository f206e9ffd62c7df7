// The pipeline runs list: runs/list filters by state only and always sorts
// newest first, so the name filter and the other orders apply to the runs
// loaded so far (the page says so).
import type { PipelineRun } from '../api/pipelines';
import type { PipelineRunsView } from './urlState';

export function runName(run: PipelineRun): string {
  return run.display_name || run.pipeline_name || run.run_id;
}

// Finished: end - start. Active: now - start. Never started: null.
export function pipelineRunDuration(run: PipelineRun, now = Date.now()): number | null {
  if (!run.started_time) return null;
  if (run.finished_time) return run.finished_time - run.started_time;
  return now - run.started_time;
}

const STATE_ORDER = ['RUNNING', 'CANCELLING', 'PENDING', 'FAILED', 'CANCELLED', 'SUCCEEDED'];

export function visibleRuns(runs: PipelineRun[], view: PipelineRunsView, now = Date.now()): PipelineRun[] {
  const needle = view.search.trim().toLowerCase();
  const kept = needle
    ? runs.filter((r) => [r.display_name, r.pipeline_name, r.run_id].some((s) => s?.toLowerCase().includes(needle)))
    : [...runs];
  const sign = view.sort.dir === 'asc' ? 1 : -1;
  const value = (r: PipelineRun): number | string => {
    switch (view.sort.key) {
      case 'name':
        return runName(r).toLowerCase();
      case 'state':
        return STATE_ORDER.indexOf(r.state);
      case 'duration':
        return pipelineRunDuration(r, now) ?? -1;
      case 'created':
        return r.created_time ?? 0;
    }
  };
  return kept.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const c = va < vb ? -1 : va > vb ? 1 : 0;
    return c !== 0 ? sign * c : a.run_id.localeCompare(b.run_id);
  });
}
