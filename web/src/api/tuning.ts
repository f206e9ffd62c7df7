// cairn's tuning REST API (docs/protocols/cairn-tuning.md). Like the
// pipelines API it has no /ajax-api alias: the /api path, relative to the
// page, so a path prefix works.
import { get, post } from './client';

export const TUNING = 'api/2.0/cairn/tuning';

export type ExperimentState = 'CREATED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'STOPPED';
export const EXPERIMENT_STATES: ExperimentState[] = ['CREATED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'STOPPED'];

export type TrialState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'KILLED' | 'EARLY_STOPPED' | 'METRICS_UNAVAILABLE';
export const TRIAL_STATES: TrialState[] = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'KILLED', 'EARLY_STOPPED', 'METRICS_UNAVAILABLE'];

export interface TuningExperiment {
  experiment_id: string;
  name: string;
  namespace?: string;
  source_name?: string;
  format?: string;
  algorithm: string;
  objective_type: 'minimize' | 'maximize';
  objective_metric: string;
  max_trial_count?: number;
  parallel_trial_count?: number;
  state: ExperimentState;
  reason?: string;
  message?: string;
  tracking_experiment_id?: string;
  mlflow_run_id?: string;
  best_trial_name?: string;
  best_objective?: number | null;
  stop_requested?: boolean;
  created_ms?: number;
  started_ms?: number;
  finished_ms?: number;
  spec?: string;
}

export interface Observation {
  name: string;
  min?: number;
  max?: number;
  latest?: number;
  reports?: number;
}

export interface Trial {
  name: string;
  index: number;
  assignment?: { name: string; value: string }[];
  state: TrialState;
  reason?: string;
  message?: string;
  objective?: number | null;
  observation?: Observation[];
  metric_reports?: number;
  mlflow_run_id?: string;
  command?: string[];
  exit_code?: number;
  created_ms?: number;
  started_ms?: number;
  finished_ms?: number;
}

export interface Importance {
  name: string;
  importance: number;
  eta_squared?: number;
}

export interface ExperimentDetail {
  experiment: TuningExperiment;
  trial_counts: Partial<Record<TrialState, number>>;
  best_trial?: Trial;
  parameter_importance: Importance[];
  trials: Trial[];
}

export interface TrialLogChunk {
  data: string;
  next_offset: number;
  eof: boolean;
  trial_state: TrialState;
}

export async function listTuningExperiments(req: { state?: string; pageToken?: string; maxResults?: number }, signal?: AbortSignal) {
  const r = await get<{ experiments?: TuningExperiment[]; next_page_token?: string }>(
    `${TUNING}/experiments/list`,
    { state: req.state || undefined, page_token: req.pageToken, max_results: req.maxResults ?? 100 },
    signal,
  );
  return { experiments: r.experiments ?? [], next_page_token: r.next_page_token || undefined };
}

export async function getTuningExperiment(
  experimentId: string,
  signal?: AbortSignal,
  opts: { trials?: boolean } = {},
): Promise<ExperimentDetail> {
  const r = await get<Partial<ExperimentDetail> & { experiment: TuningExperiment }>(
    `${TUNING}/experiments/get`,
    { experiment_id: experimentId, include_trials: opts.trials ?? true },
    signal,
  );
  return {
    experiment: r.experiment,
    trial_counts: r.trial_counts ?? {},
    best_trial: r.best_trial,
    parameter_importance: r.parameter_importance ?? [],
    trials: r.trials ?? [],
  };
}

export function stopTuningExperiment(experimentId: string) {
  return post<Record<string, never>>(`${TUNING}/experiments/stop`, { experiment_id: experimentId });
}

export function getTrialLogs(experimentId: string, trial: string, stream: 'stdout' | 'stderr', offset: number, signal?: AbortSignal) {
  return get<TrialLogChunk>(
    `${TUNING}/trials/logs`,
    { experiment_id: experimentId, trial, stream, offset, max_bytes: 256 * 1024 },
    signal,
  );
}
