// MLflow REST entities as the server sends them (specs/mlflow-rest.md §1).
export interface KeyValue {
  key: string;
  value: string;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: string;
  creation_time?: number;
  last_update_time?: number;
  tags?: KeyValue[];
}

export interface Metric {
  key: string;
  value: number | string; // "NaN" / "Infinity" as strings
  timestamp: number;
  step?: number;
  run_id?: string;
}

export interface RunInfo {
  run_id: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status?: string;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage?: string;
}

export interface Dataset {
  name: string;
  digest: string;
  source_type?: string;
  source?: string;
  schema?: string;
  profile?: string;
}

export interface DatasetInput {
  tags?: KeyValue[];
  dataset: Dataset;
}

export interface Run {
  info: RunInfo;
  data: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] };
  inputs?: { dataset_inputs?: DatasetInput[] };
}

export interface FileInfo {
  path: string;
  is_dir?: boolean;
  file_size?: number;
}

export interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: string;
  status_message?: string;
  tags?: KeyValue[];
  run_link?: string;
  aliases?: string[];
}

export interface RegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  description?: string;
  latest_versions?: ModelVersion[];
  tags?: KeyValue[];
  aliases?: { alias: string; version: string }[];
}

export interface LineageRun {
  run_id: string;
  experiment_id?: string;
  experiment_name?: string;
  run_name?: string;
  status?: string;
  lifecycle_stage?: string;
  user_id?: string;
  start_time?: number;
  end_time?: number;
  params?: KeyValue[];
  metrics?: Metric[];
  code?: Record<string, string>;
  datasets?: { name: string; digest: string; source_type?: string; source?: string; context?: string }[];
  parent_run?: LineageRun;
}

export interface Lineage {
  model_version: ModelVersion & { storage_location?: string };
  run?: LineageRun;
  warnings?: string[];
}

export interface Downsampled {
  metrics: Metric[];
  total_points: number;
  points_in_range?: number;
  downsampled: boolean;
  x_min?: number;
  x_max?: number;
}
