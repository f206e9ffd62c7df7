import { describe, expect, it } from 'vitest';
import type { Trial } from '../api/tuning';
import { bestSoFar, firstSortDir, importanceBars, parameterNames, trialDuration, trialsProgress, visibleTrials } from './tuning';

const trial = (index: number, extra: Partial<Trial>): Trial => ({
  name: `t-${index}`,
  index,
  state: 'SUCCEEDED',
  assignment: [],
  ...extra,
});

const trials: Trial[] = [
  trial(0, { objective: 0.5, finished_ms: 300, started_ms: 100, assignment: [{ name: 'lr', value: '0.1' }, { name: 'opt', value: 'sgd' }] }),
  trial(1, { objective: 0.9, finished_ms: 200, started_ms: 150, assignment: [{ name: 'lr', value: '0.01' }, { name: 'opt', value: 'adam' }] }),
  trial(2, { state: 'FAILED', objective: null, finished_ms: 250, started_ms: 200, assignment: [{ name: 'lr', value: '0.5' }, { name: 'opt', value: 'adam' }] }),
  trial(3, { objective: 0.2, finished_ms: 400, started_ms: 300, assignment: [{ name: 'lr', value: '0.05' }] }),
  trial(4, { state: 'RUNNING', started_ms: 390, assignment: [{ name: 'lr', value: '0.2' }, { name: 'opt', value: 'sgd' }] }),
];

describe('best so far', () => {
  it('orders trials with an objective by completion and tracks the minimum', () => {
    const b = bestSoFar(trials, 'minimize');
    expect(b.names).toEqual(['t-1', 't-0', 't-3']);
    expect(b.order).toEqual([1, 2, 3]);
    expect(b.values).toEqual([0.9, 0.5, 0.2]);
    expect(b.best).toEqual([0.9, 0.5, 0.2]);
  });

  it('tracks the maximum when maximizing', () => {
    expect(bestSoFar(trials, 'maximize').best).toEqual([0.9, 0.9, 0.9]);
  });

  it('is empty without objectives and puts unfinished ones last by index', () => {
    expect(bestSoFar([trials[2], trials[4]], 'minimize').values).toEqual([]);
    const b = bestSoFar([trial(7, { objective: 1 }), trial(5, { objective: 3, finished_ms: 10 }), trial(6, { objective: 2 })], 'minimize');
    expect(b.names).toEqual(['t-5', 't-6', 't-7']);
    expect(b.best).toEqual([3, 2, 1]);
  });
});

describe('parameter importance', () => {
  it('sorts largest first, ties by name, bars relative to the largest', () => {
    const bars = importanceBars([
      { name: 'b', importance: 0.2 },
      { name: 'lr', importance: 0.6 },
      { name: 'a', importance: 0.2 },
      { name: 'zero', importance: 0 },
    ]);
    expect(bars.map((b) => b.name)).toEqual(['lr', 'a', 'b', 'zero']);
    expect(bars.map((b) => b.share)).toEqual([1, 0.2 / 0.6, 0.2 / 0.6, 0]);
  });

  it('gives empty bars when every importance is 0', () => {
    expect(importanceBars([{ name: 'x', importance: 0 }]).map((b) => b.share)).toEqual([0]);
    expect(importanceBars([])).toEqual([]);
  });
});

describe('trials table', () => {
  const view = (extra: object) => ({ state: '', sort: { key: 'index' as const, dir: 'asc' as const }, ...extra });
  const names = (list: Trial[]) => list.map((t) => t.name);

  it('lists parameters in first-seen order', () => {
    expect(parameterNames(trials)).toEqual(['lr', 'opt']);
  });

  it('filters by state', () => {
    expect(names(visibleTrials(trials, view({ state: 'FAILED' })))).toEqual(['t-2']);
  });

  it('sorts by objective with missing values last in both directions', () => {
    expect(names(visibleTrials(trials, view({ sort: { key: 'objective', dir: 'asc' } })))).toEqual(['t-3', 't-0', 't-1', 't-2', 't-4']);
    expect(names(visibleTrials(trials, view({ sort: { key: 'objective', dir: 'desc' } })))).toEqual(['t-1', 't-0', 't-3', 't-2', 't-4']);
  });

  it('sorts parameters numerically and as text', () => {
    expect(names(visibleTrials(trials, view({ sort: { key: 'param:lr', dir: 'asc' } })))).toEqual(['t-1', 't-3', 't-0', 't-4', 't-2']);
    expect(names(visibleTrials(trials, view({ sort: { key: 'param:opt', dir: 'asc' } })))).toEqual(['t-1', 't-2', 't-0', 't-4', 't-3']);
  });

  it('sorts by duration, a running trial counting until now', () => {
    expect(trialDuration(trials[4], 1000)).toBe(610);
    expect(names(visibleTrials(trials, view({ sort: { key: 'duration', dir: 'desc' } }), 1000))).toEqual(['t-4', 't-0', 't-3', 't-1', 't-2']);
  });

  it('picks a first sort direction per column and counts finished trials', () => {
    expect(firstSortDir('objective', 'minimize')).toBe('asc');
    expect(firstSortDir('objective', 'maximize')).toBe('desc');
    expect(firstSortDir('param:lr', 'minimize')).toBe('desc');
    const e = { experiment_id: 'x', name: 'x', algorithm: 'random', objective_type: 'minimize' as const, objective_metric: 'loss', state: 'RUNNING' as const, max_trial_count: 6 };
    expect(trialsProgress(e, { SUCCEEDED: 3, FAILED: 1, RUNNING: 2 })).toBe('4 / 6');
  });
});
