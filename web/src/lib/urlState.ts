// Every page is a deep link: the hash carries the page and its state
// (filter, sort, columns, tabs, chart options), so URLs can be shared and the
// app works under any server path prefix (the path part is never read).
//
//   #/experiments?q=                       experiments list
//   #/experiments/<id>?filter=&status=&name=&sort=&cols=   runs of one experiment
//   #/experiments/<id>/runs/<run>?tab=&x=&smooth=&log=&path=
//   #/experiments/<id>/compare?runs=a,b&metrics=&x=&log=&sx=&sy=&axes=&target=
//   #/runs/<run>                           resolves the experiment, then redirects
//   #/models?q=   #/models/<name>   #/models/<name>/versions/<v>
//   #/pipelines?state=&q=&sort=            pipeline runs
//   #/pipelines/runs/<run>?view=graph|list&task=&toggled=&state=&stream=
//   #/tuning?state=                        tuning experiments
//   #/tuning/<id>?state=&sort=&trial=&stream=   one experiment, its trials, a trial's logs
//   #/serving   #/serving/<deployment>     deployments
//   #/account                              access tokens, password, users (with --auth)
import { parseSort, serializeSort, type SortState } from './filter';

export type XAxis = 'step' | 'time' | 'relative';

export interface RunsView {
  filter: string;
  status: string;
  name: string;
  sort: SortState | null;
  // Column ids ("metrics.loss"); null: the default (every metric and param).
  columns: string[] | null;
}

export interface ChartView {
  x: XAxis;
  smooth: number; // 0 (off) .. 0.99
  log: boolean;
}

export type RunTab = 'overview' | 'metrics' | 'artifacts';

export interface CompareView extends ChartView {
  runs: string[];
  metrics: string[]; // metric keys to overlay; empty: the first shared one
  scatterX: string; // column id
  scatterY: string; // column id
  axes: string[]; // parallel-coordinates column ids
  target: string; // colour/last axis column id
}

export type Route =
  | { page: 'experiments'; search: string }
  | { page: 'experiment'; experimentId: string; view: RunsView }
  | { page: 'run'; experimentId: string; runId: string; tab: RunTab; chart: ChartView; path: string }
  | { page: 'compare'; experimentId: string; view: CompareView }
  | { page: 'runById'; runId: string }
  | { page: 'models'; search: string }
  | { page: 'model'; name: string }
  | { page: 'modelVersion'; name: string; version: string }
  | { page: 'pipelines'; view: PipelineRunsView }
  | { page: 'pipelineRun'; runId: string; view: PipelineRunView }
  | { page: 'tuning'; view: TuningListView }
  | { page: 'tuningExperiment'; experimentId: string; view: TuningExperimentView }
  | { page: 'serving' }
  | { page: 'deployment'; name: string }
  | { page: 'account' }
  | { page: 'notFound'; path: string };

export interface TuningListView {
  state: string; // an experiment state, '' = all
}

// 'param:<name>' sorts by that parameter's value.
export type TrialSortKey = 'index' | 'name' | 'state' | 'objective' | 'duration' | `param:${string}`;

export interface TuningExperimentView {
  state: string; // trials in this state only, '' = all
  sort: { key: TrialSortKey; dir: 'asc' | 'desc' };
  trial: string; // trial in the side panel, '' = none
  stream: 'stdout' | 'stderr';
}

const DEFAULT_TRIAL_SORT: TuningExperimentView['sort'] = { key: 'index', dir: 'asc' };
const TRIAL_SORT_KEYS = ['index', 'name', 'state', 'objective', 'duration'];

export function parseTuningExperimentView(params: URLSearchParams): TuningExperimentView {
  const raw = params.get('sort') ?? '';
  // The direction is after the last ':' (a parameter name may hold one).
  const cut = raw.lastIndexOf(':');
  const key = cut > 0 ? raw.slice(0, cut) : raw;
  const dir = cut > 0 ? raw.slice(cut + 1) : '';
  const valid = TRIAL_SORT_KEYS.includes(key) || (key.startsWith('param:') && key.length > 'param:'.length);
  return {
    state: params.get('state') ?? '',
    sort: valid ? { key: key as TrialSortKey, dir: dir === 'desc' ? 'desc' : 'asc' } : DEFAULT_TRIAL_SORT,
    trial: params.get('trial') ?? '',
    stream: params.get('stream') === 'stderr' ? 'stderr' : 'stdout',
  };
}

export function serializeTuningExperimentView(view: TuningExperimentView): string {
  const p = new URLSearchParams();
  if (view.state) p.set('state', view.state);
  if (view.sort.key !== DEFAULT_TRIAL_SORT.key || view.sort.dir !== DEFAULT_TRIAL_SORT.dir) {
    p.set('sort', `${view.sort.key}:${view.sort.dir}`);
  }
  if (view.trial) p.set('trial', view.trial);
  if (view.stream !== 'stdout') p.set('stream', view.stream);
  return p.toString();
}

export type PipelineSortKey = 'created' | 'name' | 'state' | 'duration';

export interface PipelineRunsView {
  state: string; // a run state, '' = all
  search: string; // run or pipeline name contains
  sort: { key: PipelineSortKey; dir: 'asc' | 'desc' };
}

export interface PipelineRunView {
  mode: 'graph' | 'list' | null; // null: graph, or list for very large runs
  task: string; // node id of the task in the panel, '' = none
  toggled: string[]; // groups whose expansion differs from the default
  state: string; // list view: only tasks in this visual state
  stream: 'stdout' | 'stderr';
}

const DEFAULT_PIPELINE_SORT: PipelineRunsView['sort'] = { key: 'created', dir: 'desc' };
const PIPELINE_SORT_KEYS: PipelineSortKey[] = ['created', 'name', 'state', 'duration'];

export function parsePipelineRunsView(params: URLSearchParams): PipelineRunsView {
  const [key, dir] = (params.get('sort') ?? '').split(':');
  const sort = PIPELINE_SORT_KEYS.includes(key as PipelineSortKey)
    ? { key: key as PipelineSortKey, dir: dir === 'asc' ? ('asc' as const) : ('desc' as const) }
    : DEFAULT_PIPELINE_SORT;
  return { state: params.get('state') ?? '', search: params.get('q') ?? '', sort };
}

export function serializePipelineRunsView(view: PipelineRunsView): string {
  const p = new URLSearchParams();
  if (view.state) p.set('state', view.state);
  if (view.search) p.set('q', view.search);
  if (view.sort.key !== DEFAULT_PIPELINE_SORT.key || view.sort.dir !== DEFAULT_PIPELINE_SORT.dir) {
    p.set('sort', `${view.sort.key}:${view.sort.dir}`);
  }
  return p.toString();
}

export function parsePipelineRunView(params: URLSearchParams): PipelineRunView {
  const mode = params.get('view');
  return {
    mode: mode === 'graph' || mode === 'list' ? mode : null,
    task: params.get('task') ?? '',
    // Node ids are task keys (letters, digits, '_', '-') joined by '/' and
    // '[i]', so '|' cannot occur in one.
    toggled: (params.get('toggled') ?? '').split('|').filter((s) => s.length > 0),
    state: params.get('state') ?? '',
    stream: params.get('stream') === 'stderr' ? 'stderr' : 'stdout',
  };
}

export function serializePipelineRunView(view: PipelineRunView): string {
  const p = new URLSearchParams();
  if (view.mode) p.set('view', view.mode);
  if (view.task) p.set('task', view.task);
  if (view.toggled.length) p.set('toggled', view.toggled.join('|'));
  if (view.state) p.set('state', view.state);
  if (view.stream !== 'stdout') p.set('stream', view.stream);
  return p.toString();
}

const DEFAULT_CHART: ChartView = { x: 'step', smooth: 0, log: false };

function list(params: URLSearchParams, key: string): string[] {
  const v = params.get(key);
  return v ? v.split(',').filter((s) => s.length > 0) : [];
}

function chartFrom(params: URLSearchParams): ChartView {
  const x = params.get('x');
  const smooth = Number(params.get('smooth') ?? '0');
  return {
    x: x === 'time' || x === 'relative' ? x : 'step',
    smooth: Number.isFinite(smooth) ? Math.min(0.99, Math.max(0, smooth)) : 0,
    log: params.get('log') === '1',
  };
}

function chartInto(params: URLSearchParams, chart: ChartView) {
  if (chart.x !== DEFAULT_CHART.x) params.set('x', chart.x);
  if (chart.smooth > 0) params.set('smooth', String(chart.smooth));
  if (chart.log) params.set('log', '1');
}

export function parseRunsView(params: URLSearchParams): RunsView {
  const cols = params.get('cols');
  return {
    filter: params.get('filter') ?? '',
    status: params.get('status') ?? '',
    name: params.get('name') ?? '',
    sort: parseSort(params.get('sort')),
    columns: cols === null ? null : cols.split(',').filter((s) => s.length > 0),
  };
}

export function serializeRunsView(view: RunsView): string {
  const p = new URLSearchParams();
  if (view.filter) p.set('filter', view.filter);
  if (view.status) p.set('status', view.status);
  if (view.name) p.set('name', view.name);
  if (view.sort) p.set('sort', serializeSort(view.sort));
  if (view.columns !== null) p.set('cols', view.columns.join(','));
  return p.toString();
}

export function parseCompareView(params: URLSearchParams): CompareView {
  return {
    ...chartFrom(params),
    runs: list(params, 'runs'),
    metrics: list(params, 'metrics'),
    scatterX: params.get('sx') ?? '',
    scatterY: params.get('sy') ?? '',
    axes: list(params, 'axes'),
    target: params.get('target') ?? '',
  };
}

export function serializeCompareView(view: CompareView): string {
  const p = new URLSearchParams();
  p.set('runs', view.runs.join(','));
  if (view.metrics.length) p.set('metrics', view.metrics.join(','));
  chartInto(p, view);
  if (view.scatterX) p.set('sx', view.scatterX);
  if (view.scatterY) p.set('sy', view.scatterY);
  if (view.axes.length) p.set('axes', view.axes.join(','));
  if (view.target) p.set('target', view.target);
  return p.toString();
}

function withQuery(path: string, query: string): string {
  return query ? `#${path}?${query}` : `#${path}`;
}

const seg = encodeURIComponent;

export const href = {
  experiments: (search = '') => withQuery('/experiments', search ? new URLSearchParams({ q: search }).toString() : ''),
  experiment: (id: string, view?: RunsView) =>
    withQuery(`/experiments/${seg(id)}`, view ? serializeRunsView(view) : ''),
  run: (experimentId: string, runId: string, tab: RunTab = 'overview', extra: Partial<ChartView> & { path?: string } = {}) => {
    const p = new URLSearchParams();
    if (tab !== 'overview') p.set('tab', tab);
    chartInto(p, { ...DEFAULT_CHART, ...extra });
    if (extra.path) p.set('path', extra.path);
    return withQuery(`/experiments/${seg(experimentId)}/runs/${seg(runId)}`, p.toString());
  },
  compare: (experimentId: string, view: Partial<CompareView> & { runs: string[] }) =>
    withQuery(
      `/experiments/${seg(experimentId)}/compare`,
      serializeCompareView({ ...DEFAULT_CHART, metrics: [], scatterX: '', scatterY: '', axes: [], target: '', ...view }),
    ),
  // A run whose experiment the caller does not know (e.g. a model version's
  // source run): the page looks it up and redirects.
  runById: (runId: string) => `#/runs/${seg(runId)}`,
  models: (search = '') => withQuery('/models', search ? new URLSearchParams({ q: search }).toString() : ''),
  model: (name: string) => `#/models/${seg(name)}`,
  modelVersion: (name: string, version: string) => `#/models/${seg(name)}/versions/${seg(version)}`,
  pipelines: (view?: Partial<PipelineRunsView>) =>
    withQuery('/pipelines', serializePipelineRunsView({ state: '', search: '', sort: DEFAULT_PIPELINE_SORT, ...view })),
  pipelineRun: (runId: string, view?: Partial<PipelineRunView>) =>
    withQuery(
      `/pipelines/runs/${seg(runId)}`,
      serializePipelineRunView({ mode: null, task: '', toggled: [], state: '', stream: 'stdout', ...view }),
    ),
  tuning: (view?: Partial<TuningListView>) =>
    withQuery('/tuning', view?.state ? new URLSearchParams({ state: view.state }).toString() : ''),
  tuningExperiment: (experimentId: string, view?: Partial<TuningExperimentView>) =>
    withQuery(
      `/tuning/${seg(experimentId)}`,
      serializeTuningExperimentView({ state: '', sort: DEFAULT_TRIAL_SORT, trial: '', stream: 'stdout', ...view }),
    ),
  serving: () => '#/serving',
  deployment: (name: string) => `#/serving/${seg(name)}`,
  account: () => '#/account',
};

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

export function parseHash(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const params = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  const parts = path.split('/').filter((s) => s.length > 0).map(decode);
  if (parts.some((p) => p === null)) return { page: 'notFound', path };
  const s = parts as string[];
  if (s.length === 0 || (s.length === 1 && s[0] === 'experiments')) {
    return { page: 'experiments', search: params.get('q') ?? '' };
  }
  if (s[0] === 'experiments') {
    const experimentId = s[1];
    if (s.length === 2) return { page: 'experiment', experimentId, view: parseRunsView(params) };
    if (s.length === 3 && s[2] === 'compare') {
      return { page: 'compare', experimentId, view: parseCompareView(params) };
    }
    if (s.length === 4 && s[2] === 'runs') {
      const tab = params.get('tab');
      return {
        page: 'run',
        experimentId,
        runId: s[3],
        tab: tab === 'metrics' || tab === 'artifacts' ? tab : 'overview',
        chart: chartFrom(params),
        path: params.get('path') ?? '',
      };
    }
  }
  if (s[0] === 'runs' && s.length === 2) return { page: 'runById', runId: s[1] };
  if (s[0] === 'models') {
    if (s.length === 1) return { page: 'models', search: params.get('q') ?? '' };
    if (s.length === 2) return { page: 'model', name: s[1] };
    if (s.length === 4 && s[2] === 'versions') return { page: 'modelVersion', name: s[1], version: s[3] };
  }
  if (s[0] === 'pipelines') {
    if (s.length === 1) return { page: 'pipelines', view: parsePipelineRunsView(params) };
    if (s.length === 3 && s[1] === 'runs') return { page: 'pipelineRun', runId: s[2], view: parsePipelineRunView(params) };
  }
  if (s[0] === 'tuning') {
    if (s.length === 1) return { page: 'tuning', view: { state: params.get('state') ?? '' } };
    if (s.length === 2) return { page: 'tuningExperiment', experimentId: s[1], view: parseTuningExperimentView(params) };
  }
  if (s[0] === 'serving') {
    if (s.length === 1) return { page: 'serving' };
    if (s.length === 2) return { page: 'deployment', name: s[1] };
  }
  if (s[0] === 'account' && s.length === 1) return { page: 'account' };
  return { page: 'notFound', path };
}

// Replaces the hash's query without adding a history entry when only view
// state (filter text as typed, chart options) changes.
export function replaceHash(next: string) {
  if (window.location.hash === next) return;
  window.history.replaceState(null, '', next);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function navigate(next: string) {
  if (window.location.hash === next) return;
  window.location.hash = next.startsWith('#') ? next.slice(1) : next;
}
