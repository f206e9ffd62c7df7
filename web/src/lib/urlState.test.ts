import { describe, expect, it } from 'vitest';
import { href, parseHash, parseRunsView, serializeRunsView, type RunsView } from './urlState';

describe('URL state', () => {
  it('routes every page', () => {
    expect(parseHash('')).toEqual({ page: 'experiments', search: '' });
    expect(parseHash('#/')).toEqual({ page: 'experiments', search: '' });
    expect(parseHash('#/experiments?q=dem')).toEqual({ page: 'experiments', search: 'dem' });
    expect(parseHash('#/experiments/12').page).toBe('experiment');
    expect(parseHash('#/models')).toEqual({ page: 'models', search: '' });
    expect(parseHash('#/models/my%20model')).toEqual({ page: 'model', name: 'my model' });
    expect(parseHash('#/models/a%2Fb/versions/3')).toEqual({ page: 'modelVersion', name: 'a/b', version: '3' });
    expect(parseHash(href.runById('abc'))).toEqual({ page: 'runById', runId: 'abc' });
    expect(parseHash('#/nope').page).toBe('notFound');
    expect(parseHash('#/models/%E0%A4%A').page).toBe('notFound'); // bad escape
  });

  it('round-trips the runs view and omits defaults', () => {
    const view: RunsView = {
      filter: "metrics.loss < 0.5 AND params.opt = 'adam'",
      status: 'FINISHED',
      name: 'trial',
      sort: { column: { entity: 'metrics', key: 'val loss' }, dir: 'asc' },
      columns: ['metrics.val loss', 'params.opt', 'tags.mlflow.source.name'],
    };
    const link = href.experiment('7', view);
    const route = parseHash(link);
    expect(route).toEqual({ page: 'experiment', experimentId: '7', view });
    expect(href.experiment('7', { filter: '', status: '', name: '', sort: null, columns: null })).toBe('#/experiments/7');
    expect(serializeRunsView({ filter: '', status: '', name: '', sort: null, columns: [] })).toBe('cols=');
    expect(parseRunsView(new URLSearchParams('cols=')).columns).toEqual([]);
    expect(parseRunsView(new URLSearchParams('')).columns).toBeNull();
    expect(parseRunsView(new URLSearchParams('sort=bogus')).sort).toBeNull();
  });

  it('carries run tabs, chart options and artifact paths', () => {
    const link = href.run('1', 'abc', 'metrics', { x: 'relative', smooth: 0.6, log: true });
    expect(link).toBe('#/experiments/1/runs/abc?tab=metrics&x=relative&smooth=0.6&log=1');
    expect(parseHash(link)).toEqual({
      page: 'run',
      experimentId: '1',
      runId: 'abc',
      tab: 'metrics',
      chart: { x: 'relative', smooth: 0.6, log: true },
      path: '',
    });
    const art = parseHash(href.run('1', 'abc', 'artifacts', { path: 'model/MLmodel' }));
    expect(art).toMatchObject({ tab: 'artifacts', path: 'model/MLmodel' });
    expect(parseHash('#/experiments/1/runs/abc?tab=weird&smooth=7&x=epoch')).toMatchObject({
      tab: 'overview',
      chart: { x: 'step', smooth: 0.99, log: false },
    });
  });

  it('carries the compare selection', () => {
    const link = href.compare('3', { runs: ['a', 'b'], metrics: ['loss'], scatterX: 'params.lr', target: 'metrics.acc' });
    const route = parseHash(link);
    expect(route).toMatchObject({
      page: 'compare',
      experimentId: '3',
      view: { runs: ['a', 'b'], metrics: ['loss'], scatterX: 'params.lr', scatterY: '', target: 'metrics.acc', x: 'step' },
    });
  });

  it('carries the pipeline runs filter and sort, omitting defaults', () => {
    expect(href.pipelines()).toBe('#/pipelines');
    const link = href.pipelines({ state: 'FAILED', search: 'train', sort: { key: 'duration', dir: 'asc' } });
    expect(parseHash(link)).toEqual({
      page: 'pipelines',
      view: { state: 'FAILED', search: 'train', sort: { key: 'duration', dir: 'asc' } },
    });
    expect(parseHash('#/pipelines?sort=bogus:asc')).toMatchObject({ view: { sort: { key: 'created', dir: 'desc' } } });
  });

  it('carries the pipeline run view: mode, open task, toggled groups, log stream', () => {
    const link = href.pipelineRun('r1', { mode: 'list', task: 'loop[2]/sq', toggled: ['loop', 'sub/inner'], stream: 'stderr' });
    expect(parseHash(link)).toEqual({
      page: 'pipelineRun',
      runId: 'r1',
      view: { mode: 'list', task: 'loop[2]/sq', toggled: ['loop', 'sub/inner'], state: '', stream: 'stderr' },
    });
    expect(href.pipelineRun('r1')).toBe('#/pipelines/runs/r1');
    expect(parseHash('#/pipelines/runs/r1?view=weird')).toMatchObject({ view: { mode: null, stream: 'stdout', toggled: [] } });
  });
});

describe('URL state of the tuning and serving pages', () => {
  it('routes them', () => {
    expect(parseHash('#/tuning')).toEqual({ page: 'tuning', view: { state: '' } });
    expect(parseHash(href.tuning({ state: 'RUNNING' }))).toEqual({ page: 'tuning', view: { state: 'RUNNING' } });
    expect(parseHash('#/serving')).toEqual({ page: 'serving' });
    expect(parseHash(href.deployment('my model'))).toEqual({ page: 'deployment', name: 'my model' });
    expect(parseHash('#/tuning/abc').page).toBe('tuningExperiment');
  });

  it('routes the account page', () => {
    expect(parseHash(href.account())).toEqual({ page: 'account' });
    expect(parseHash('#/account/x').page).toBe('notFound');
  });

  it('round-trips the experiment view and omits defaults', () => {
    expect(href.tuningExperiment('abc')).toBe('#/tuning/abc');
    const view = { state: 'FAILED', sort: { key: 'param:a:b' as const, dir: 'desc' as const }, trial: 'r-0001', stream: 'stderr' as const };
    const route = parseHash(href.tuningExperiment('abc', view));
    expect(route).toEqual({ page: 'tuningExperiment', experimentId: 'abc', view });
    const bad = parseHash('#/tuning/abc?sort=bogus:desc');
    expect(bad.page === 'tuningExperiment' && bad.view.sort).toEqual({ key: 'index', dir: 'asc' });
    const objective = parseHash('#/tuning/abc?sort=objective:asc');
    expect(objective.page === 'tuningExperiment' && objective.view.sort).toEqual({ key: 'objective', dir: 'asc' });
  });
});
