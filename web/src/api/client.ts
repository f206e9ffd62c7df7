// fetch wrapper for the MLflow REST API. URLs are relative to the page
// (document base), so the UI works under any mount prefix; it uses only the
// public API paths (/ajax-api/2.0/mlflow/..., /get-artifact), plus cairn's
// own endpoints where present (with a fallback when they are not).

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export type Query = Record<string, string | number | boolean | undefined | null | (string | number)[]>;

export function queryString(query: Query): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) v.forEach((item) => p.append(k, String(item)));
    else p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

async function parse<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = null;
  }
  if (!response.ok) {
    const err = (body ?? {}) as { error_code?: string; message?: string };
    throw new ApiError(
      response.status,
      err.error_code ?? `HTTP_${response.status}`,
      err.message ?? (text.slice(0, 200) || response.statusText),
    );
  }
  if (body === null) throw new ApiError(response.status, 'BAD_RESPONSE', 'The server sent a response that is not JSON.');
  return body as T;
}

async function send<T>(url: string, init: RequestInit, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal, headers: { Accept: 'application/json', ...(init.headers ?? {}) } });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', `Cannot reach the server (${(e as Error).message}).`);
  }
  return parse<T>(response);
}

export function get<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  return send<T>(`${path}${queryString(query)}`, { method: 'GET' }, signal);
}

export function post<T>(path: string, body: unknown, method = 'POST', signal?: AbortSignal): Promise<T> {
  return send<T>(
    path,
    { method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } },
    signal,
  );
}

export const MLFLOW = 'ajax-api/2.0/mlflow';
export const CAIRN = 'ajax-api/2.0/cairn';
