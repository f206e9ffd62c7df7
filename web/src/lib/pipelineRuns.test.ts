import { describe, expect, it } from 'vitest';
import type { PipelineRun } from '../api/pipelines';
import { pipelineRunDuration, runName, visibleRuns } from './pipelineRuns';

const run = (id: string, extra: Partial<PipelineRun>): PipelineRun => ({
  run_id: id,
  display_name: '',
  pipeline_name: 'p',
  source_name: 'p.yaml',
  state: 'SUCCEEDED',
  ...extra,
});

const runs = [
  run('a', { display_name: 'train-nightly', created_time: 3, started_time: 10, finished_time: 70 }),
  run('b', { pipeline_name: 'etl', state: 'RUNNING', created_time: 2, started_time: 50 }),
  run('c', { display_name: 'Train-adhoc', state: 'FAILED', created_time: 1, started_time: 10, finished_time: 20 }),
  run('d', { pipeline_name: 'queued', state: 'PENDING', created_time: 4 }),
];
const view = (extra: object) => ({ state: '', search: '', sort: { key: 'created' as const, dir: 'desc' as const }, ...extra });
const ids = (list: PipelineRun[]) => list.map((r) => r.run_id);

describe('pipeline runs list', () => {
  it('names and times runs', () => {
    expect(runName(runs[0])).toBe('train-nightly');
    expect(runName(runs[1])).toBe('etl');
    expect(pipelineRunDuration(runs[0])).toBe(60);
    expect(pipelineRunDuration(runs[1], 80)).toBe(30); // running: until now
    expect(pipelineRunDuration(runs[3])).toBeNull();
  });

  it('filters by name, case-insensitively, and sorts by any column', () => {
    expect(ids(visibleRuns(runs, view({})))).toEqual(['d', 'a', 'b', 'c']);
    expect(ids(visibleRuns(runs, view({ search: 'TRAIN' })))).toEqual(['a', 'c']);
    expect(ids(visibleRuns(runs, view({ sort: { key: 'name', dir: 'asc' } })))).toEqual(['b', 'd', 'c', 'a']);
    expect(ids(visibleRuns(runs, view({ sort: { key: 'duration', dir: 'desc' } }), 80))).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(visibleRuns(runs, view({ sort: { key: 'state', dir: 'asc' } })))).toEqual(['b', 'd', 'c', 'a']);
  });
});
