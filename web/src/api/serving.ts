// cairn's deployments API (docs/protocols/cairn-serving.md) and the
// Prometheus text of /metrics. Relative URLs, so a path prefix works.
import { ApiError, apiFetch, get, post } from './client';

export const DEPLOYMENTS = 'api/2.0/cairn/serving/deployments';

export interface ServedVersion {
  model_uri?: string;
  registered_model_name?: string;
  version?: string;
  run_id?: string;
  source?: string;
  platform?: string;
}

export interface Deployment {
  name: string;
  model_uri: string;
  state: string; // READY once loaded
  model_version?: ServedVersion;
  canary?: ServedVersion;
  canary_traffic_percent?: number;
  log_requests?: boolean;
  batching?: { max_batch_size?: number; max_queue_delay_us?: number; max_queue_size?: number };
  endpoints?: Record<string, string>;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
}

export async function listDeployments(signal?: AbortSignal): Promise<Deployment[]> {
  const r = await get<{ deployments?: Deployment[] }>(DEPLOYMENTS, {}, signal);
  return r.deployments ?? [];
}

export async function getDeployment(name: string, signal?: AbortSignal): Promise<Deployment> {
  const r = await get<{ deployment: Deployment }>(`${DEPLOYMENTS}/${encodeURIComponent(name)}`, {}, signal);
  return r.deployment;
}

export async function patchDeployment(name: string, patch: { model_uri?: string; canary_traffic_percent?: number }) {
  const r = await post<{ deployment: Deployment }>(`${DEPLOYMENTS}/${encodeURIComponent(name)}`, patch, 'PATCH');
  return r.deployment;
}

// /metrics is text, not JSON: fetched directly. Relative to the page.
export async function fetchMetricsText(signal?: AbortSignal): Promise<string> {
  const res = await apiFetch('metrics', { signal, headers: { Accept: 'text/plain' } });
  const text = await res.text();
  if (!res.ok) throw new ApiError(res.status, `HTTP_${res.status}`, text.slice(0, 200) || res.statusText);
  return text;
}
