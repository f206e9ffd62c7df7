// cairn's pipelines REST API (docs/protocols/cairn-pipelines.md). It has no
// /ajax-api alias, so the UI calls the /api path, relative to the page like
// every other call (the server may be mounted under a prefix).
import { get, post } from './client';

export const PIPELINES = 'api/2.0/cairn/pipelines';

export type RunState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLING' | 'CANCELLED';
export const RUN_STATES: RunState[] = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLING', 'CANCELLED'];

export type TaskState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'NOT_TRIGGERED' | 'CANCELLED';
export type TaskKind = 'CONTAINER' | 'IMPORTER' | 'DAG' | 'LOOP' | 'ITERATION';

export interface ArtifactRef {
  name?: string;
  uri?: string;
  type?: { schemaTitle?: string; schemaVersion?: string };
  metadata?: Record<string, unknown>;
}

export interface TaskIo {
  parameters?: Record<string, unknown>;
  artifacts?: Record<string, ArtifactRef[]>;
}

export interface PipelineRun {
  run_id: string;
  display_name: string;
  pipeline_name: string;
  source_name: string;
  state: RunState;
  parameters?: Record<string, unknown>;
  outputs?: TaskIo;
  cache_enabled?: boolean;
  parallelism?: number;
  pipeline_root?: string;
  experiment_id?: string;
  mlflow_run_id?: string;
  error?: string;
  cancel_requested?: boolean;
  created_time?: number;
  started_time?: number;
  finished_time?: number;
  spec?: string;
}

export interface PipelineTask {
  node_id: string;
  parent_id: string;
  task_key: string;
  display_name: string;
  component: string;
  kind: TaskKind;
  state: TaskState;
  iteration_index?: number;
  attempt?: number;
  executor?: string;
  image?: string;
  command?: string[];
  inputs?: TaskIo;
  outputs?: TaskIo;
  fingerprint?: string;
  cached?: boolean;
  cached_from?: string;
  mlflow_run_id?: string;
  error?: string;
  exit_code?: number;
  created_time?: number;
  started_time?: number;
  finished_time?: number;
}

export interface LogChunk {
  data: string;
  next_offset: number;
  eof: boolean;
  task_state: TaskState;
  attempt: number;
}

export async function listPipelineRuns(
  req: { state?: string; pageToken?: string; maxResults?: number },
  signal?: AbortSignal,
) {
  const r = await get<{ runs?: PipelineRun[]; next_page_token?: string }>(
    `${PIPELINES}/runs/list`,
    { state: req.state || undefined, page_token: req.pageToken, max_results: req.maxResults ?? 100 },
    signal,
  );
  return { runs: r.runs ?? [], next_page_token: r.next_page_token || undefined };
}

export async function getPipelineRun(runId: string, opts: { spec?: boolean; tasks?: boolean }, signal?: AbortSignal) {
  const r = await get<{ run: PipelineRun; tasks?: PipelineTask[] }>(
    `${PIPELINES}/runs/get`,
    { run_id: runId, include_spec: opts.spec ?? false, include_tasks: opts.tasks ?? true },
    signal,
  );
  return { run: r.run, tasks: r.tasks ?? [] };
}

export function getTaskLogs(
  runId: string,
  task: string,
  stream: 'stdout' | 'stderr',
  offset: number,
  signal?: AbortSignal,
) {
  return get<LogChunk>(`${PIPELINES}/runs/logs`, { run_id: runId, task, stream, offset, max_bytes: 256 * 1024 }, signal);
}

export function cancelPipelineRun(runId: string) {
  return post<Record<string, never>>(`${PIPELINES}/runs/cancel`, { run_id: runId });
}
