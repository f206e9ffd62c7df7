import { describe, expect, it } from 'vitest';
import type { Run } from '../api/types';
import { addKeys, collectKeys, newKeyCollector, toRunRow } from './runRows';

const run = (id: string, extra: Partial<Run['data']> = {}, info: Partial<Run['info']> = {}): Run => ({
  info: { run_id: id, experiment_id: '1', start_time: 1000, end_time: 4000, status: 'FINISHED', ...info },
  data: { metrics: [], params: [], tags: [], ...extra },
});

describe('run rows', () => {
  it('flattens a run for the table', () => {
    const r = toRunRow(
      run('a', {
        metrics: [{ key: 'loss', value: 'NaN', timestamp: 1 }, { key: 'acc', value: 0.5, timestamp: 1 }],
        params: [{ key: 'lr', value: '0.1' }],
        tags: [{ key: 'mlflow.runName', value: 'named' }, { key: 'mlflow.user', value: 'ana' }, { key: 'mlflow.source.name', value: 'train.py' }],
      }),
    );
    expect(r.name).toBe('named');
    expect(r.user).toBe('ana');
    expect(r.source).toBe('train.py');
    expect(r.duration).toBe(3000);
    expect(r.metrics.get('loss')).toBeNaN();
    expect(r.params.get('lr')).toBe('0.1');
    expect(toRunRow(run('b', {}, { run_name: 'given', user_id: 'ben' })).name).toBe('given');
  });

  it('collects keys page by page', () => {
    const c = newKeyCollector();
    addKeys(c, [toRunRow(run('a', { params: [{ key: 'z', value: '1' }] }))]);
    const keys = addKeys(c, [toRunRow(run('b', { params: [{ key: 'b', value: '1' }], metrics: [{ key: 'm', value: 1, timestamp: 1 }] }))]);
    expect(keys).toEqual({ metrics: ['m'], params: ['b', 'z'], tags: [] });
    expect(collectKeys([])).toEqual({ metrics: [], params: [], tags: [] });
  });
});
