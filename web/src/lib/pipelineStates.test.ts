import { describe, expect, it } from 'vitest';
import { cairnRunTasks } from './pipelineFixtures';
import { STATE_STYLE, countStates, countsSummary, isActiveRun, totalCount, visualState } from './pipelineStates';

describe('pipeline states', () => {
  it('maps task states to what the graph shows', () => {
    expect(visualState({ state: 'SUCCEEDED', cached: true })).toBe('cached');
    expect(visualState({ state: 'SUCCEEDED' })).toBe('succeeded');
    expect(visualState({ state: 'NOT_TRIGGERED' })).toBe('not_triggered');
    expect(visualState({ state: 'CANCELLED' })).toBe('cancelled');
    // Every state has its own colour.
    const fills = Object.values(STATE_STYLE).map((s) => s.fill);
    expect(new Set(fills).size).toBe(fills.length);
  });

  it('counts only the tasks that do work', () => {
    const counts = countStates(cairnRunTasks());
    expect(counts).toEqual({ succeeded: 4, cached: 1, skipped: 1, failed: 1, not_triggered: 1 });
    expect(totalCount(counts)).toBe(8);
    expect(countsSummary(counts).map((c) => c.state)).toEqual(['failed', 'succeeded', 'cached', 'skipped', 'not_triggered']);
  });

  it('knows which runs are still active', () => {
    expect(['PENDING', 'RUNNING', 'CANCELLING'].every((s) => isActiveRun(s as never))).toBe(true);
    expect(isActiveRun('CANCELLED')).toBe(false);
    expect(isActiveRun('SUCCEEDED')).toBe(false);
  });
});
