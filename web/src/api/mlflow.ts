// The calls the pages make, one function per endpoint.
import { downsampleMinMax } from '../lib/downsample';
import { metricValue } from '../lib/format';
import { ApiError, CAIRN, MLFLOW, apiFetch, get, post, queryString } from './client';
import type {
  Downsampled,
  Experiment,
  FileInfo,
  Lineage,
  Metric,
  ModelVersion,
  RegisteredModel,
  Run,
} from './types';

export async function searchExperiments(filter: string, pageToken?: string, maxResults = 100, signal?: AbortSignal) {
  return post<{ experiments?: Experiment[]; next_page_token?: string }>(
    `${MLFLOW}/experiments/search`,
    { filter: filter || undefined, max_results: maxResults, page_token: pageToken, order_by: ['last_update_time DESC'] },
    'POST',
    signal,
  );
}

export async function getExperiment(id: string, signal?: AbortSignal) {
  return (await get<{ experiment: Experiment }>(`${MLFLOW}/experiments/get`, { experiment_id: id }, signal)).experiment;
}

export interface RunsPage {
  runs: Run[];
  next_page_token?: string;
}

export async function searchRuns(
  req: { experimentIds: string[]; filter: string; orderBy: string[]; pageToken?: string; maxResults: number },
  signal?: AbortSignal,
): Promise<RunsPage> {
  const page = await post<{ runs?: Run[]; next_page_token?: string }>(
    `${MLFLOW}/runs/search`,
    {
      experiment_ids: req.experimentIds,
      filter: req.filter || undefined,
      order_by: req.orderBy,
      page_token: req.pageToken,
      max_results: req.maxResults,
    },
    'POST',
    signal,
  );
  return { runs: page.runs ?? [], next_page_token: page.next_page_token || undefined };
}

export async function getRun(runId: string, signal?: AbortSignal) {
  return (await get<{ run: Run }>(`${MLFLOW}/runs/get`, { run_id: runId }, signal)).run;
}

export async function listArtifacts(runId: string, path: string, signal?: AbortSignal) {
  const r = await get<{ files?: FileInfo[]; root_uri?: string }>(
    `${MLFLOW}/artifacts/list`,
    { run_id: runId, path: path || undefined },
    signal,
  );
  return r.files ?? [];
}

export function artifactUrl(runId: string, path: string): string {
  return `get-artifact${queryString({ run_id: runId, path })}`;
}

export function modelVersionArtifactUrl(name: string, version: string, path: string): string {
  return `model-versions/get-artifact${queryString({ name, version, path })}`;
}

export async function fetchArtifactText(runId: string, path: string, maxBytes: number, signal?: AbortSignal) {
  const response = await apiFetch(artifactUrl(runId, path), { signal });
  if (!response.ok) {
    let message = response.statusText;
    try {
      message = ((await response.json()) as { message?: string }).message ?? message;
    } catch {
      /* not JSON */
    }
    throw new ApiError(response.status, `HTTP_${response.status}`, message);
  }
  const buffer = await response.arrayBuffer();
  const truncated = buffer.byteLength > maxBytes;
  const text = new TextDecoder().decode(truncated ? buffer.slice(0, maxBytes) : buffer);
  return { text, truncated, size: buffer.byteLength };
}

// --- metric series for charts ---

export type XKind = 'step' | 'time';

export interface Series {
  xs: number[];
  ys: number[];
  steps: number[];
  timestamps: number[];
  totalPoints: number;
  downsampled: boolean;
  xMin?: number;
  xMax?: number;
}

function toSeries(metrics: Metric[], x: XKind, extra: Partial<Series>): Series {
  const xs: number[] = [];
  const ys: number[] = [];
  const steps: number[] = [];
  const timestamps: number[] = [];
  for (const m of metrics) {
    const step = m.step ?? 0;
    xs.push(x === 'step' ? step : m.timestamp);
    ys.push(metricValue(m.value));
    steps.push(step);
    timestamps.push(m.timestamp);
  }
  return { xs, ys, steps, timestamps, totalPoints: metrics.length, downsampled: false, ...extra };
}

// cairn answers an unknown path with ENDPOINT_NOT_FOUND JSON, MLflow with an
// HTML 404.
function isMissingEndpoint(e: unknown): boolean {
  return e instanceof ApiError && (e.code === 'ENDPOINT_NOT_FOUND' || (e.status === 404 && e.code.startsWith('HTTP_')));
}

// Whether the server has cairn's downsampling endpoint (null: not asked yet).
let hasDownsampling: boolean | null = null;

// A chart-ready series of `key` with at most about 4 * buckets points in
// [start, end]. Uses cairn's server-side downsampling; against a server
// without it, fetches the whole history once and downsamples here with the
// same algorithm.
export async function metricSeries(
  runId: string,
  key: string,
  x: XKind,
  buckets: number,
  range: { start?: number; end?: number } = {},
  signal?: AbortSignal,
): Promise<Series> {
  if (hasDownsampling !== false) {
    try {
      const r = await get<Downsampled>(
        `${CAIRN}/metrics/downsampled`,
        { run_id: runId, metric_key: key, x, buckets, start: range.start, end: range.end },
        signal,
      );
      hasDownsampling = true;
      return toSeries(r.metrics ?? [], x, {
        totalPoints: r.total_points,
        downsampled: r.downsampled,
        xMin: r.x_min,
        xMax: r.x_max,
      });
    } catch (e) {
      if (!isMissingEndpoint(e) || hasDownsampling === true) throw e;
      hasDownsampling = false;
    }
  }
  const full = await metricHistory(runId, key, signal);
  const sorted = x === 'step' ? [...full].sort((a, b) => (a.step ?? 0) - (b.step ?? 0)) : full;
  const all = toSeries(sorted, x, {});
  const kept = downsampleMinMax(all.xs, all.ys, { buckets, start: range.start, end: range.end });
  const inRange = all.xs.filter(
    (v) => (range.start === undefined || v >= range.start) && (range.end === undefined || v <= range.end),
  ).length;
  return {
    xs: kept.map((i) => all.xs[i]),
    ys: kept.map((i) => all.ys[i]),
    steps: kept.map((i) => all.steps[i]),
    timestamps: kept.map((i) => all.timestamps[i]),
    totalPoints: sorted.length,
    downsampled: inRange > 4 * buckets,
    xMin: all.xs[0],
    xMax: all.xs[all.xs.length - 1],
  };
}

export async function metricHistory(runId: string, key: string, signal?: AbortSignal): Promise<Metric[]> {
  const out: Metric[] = [];
  let token: string | undefined;
  do {
    const page = await get<{ metrics?: Metric[]; next_page_token?: string }>(
      `${MLFLOW}/metrics/get-history`,
      { run_id: runId, metric_key: key, page_token: token },
      signal,
    );
    out.push(...(page.metrics ?? []));
    token = page.next_page_token || undefined;
  } while (token);
  return out;
}

// --- model registry ---

export async function searchRegisteredModels(filter: string, pageToken?: string, signal?: AbortSignal) {
  return get<{ registered_models?: RegisteredModel[]; next_page_token?: string }>(
    `${MLFLOW}/registered-models/search`,
    { filter: filter || undefined, max_results: 100, page_token: pageToken, order_by: ['name ASC'] },
    signal,
  );
}

export async function getRegisteredModel(name: string, signal?: AbortSignal) {
  return (await get<{ registered_model: RegisteredModel }>(`${MLFLOW}/registered-models/get`, { name }, signal))
    .registered_model;
}

export async function searchModelVersions(name: string, signal?: AbortSignal) {
  const escaped = name.replace(/'/g, "''");
  const r = await get<{ model_versions?: ModelVersion[] }>(
    `${MLFLOW}/model-versions/search`,
    { filter: `name = '${escaped}'`, max_results: 1000, order_by: ['version_number DESC'] },
    signal,
  );
  return r.model_versions ?? [];
}

export async function getModelVersion(name: string, version: string, signal?: AbortSignal) {
  return (await get<{ model_version: ModelVersion }>(`${MLFLOW}/model-versions/get`, { name, version }, signal))
    .model_version;
}

export const setModelAlias = (name: string, alias: string, version: string) =>
  post(`${MLFLOW}/registered-models/alias`, { name, alias, version });
export const deleteModelAlias = (name: string, alias: string) =>
  post(`${MLFLOW}/registered-models/alias`, { name, alias }, 'DELETE');
export const setModelTag = (name: string, key: string, value: string) =>
  post(`${MLFLOW}/registered-models/set-tag`, { name, key, value });
export const deleteModelTag = (name: string, key: string) =>
  post(`${MLFLOW}/registered-models/delete-tag`, { name, key }, 'DELETE');
export const setVersionTag = (name: string, version: string, key: string, value: string) =>
  post(`${MLFLOW}/model-versions/set-tag`, { name, version, key, value });
export const deleteVersionTag = (name: string, version: string, key: string) =>
  post(`${MLFLOW}/model-versions/delete-tag`, { name, version, key }, 'DELETE');
export const updateModelDescription = (name: string, description: string) =>
  post(`${MLFLOW}/registered-models/update`, { name, description }, 'PATCH');
export const updateVersionDescription = (name: string, version: string, description: string) =>
  post(`${MLFLOW}/model-versions/update`, { name, version, description }, 'PATCH');

// cairn's lineage document; null when the server has no lineage endpoint
// (a plain MLflow server): the page then builds the chain from the version
// and its run.
export async function getLineage(name: string, version: string, signal?: AbortSignal): Promise<Lineage | null> {
  try {
    return await get<Lineage>(`${CAIRN}/models/lineage`, { name, version }, signal);
  } catch (e) {
    if (isMissingEndpoint(e)) return null;
    throw e;
  }
}
