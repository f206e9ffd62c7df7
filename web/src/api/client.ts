// fetch wrapper for the MLflow REST API. URLs are relative to the page
// (document base), so the UI works under any mount prefix; it uses only the
// public API paths (/ajax-api/2.0/mlflow/..., /get-artifact), plus cairn's
// own endpoints where present (with a fallback when they are not).
//
// Every request of the UI goes through apiFetch, which is where the session
// rules live (docs/auth.md): the CSRF token of the signed-in session is
// kept here, in memory only, and sent as X-CSRF-Token on every request that
// can change something; a 401 (no session, or it expired) is reported to
// the one listener the app registers, which shows the login page.

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

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

// The token the server handed out with the session (login or auth/me);
// null when signed out.
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

// Called on any 401 except from the auth calls themselves (a wrong password
// is the login page's own business).
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface ApiFetchOptions {
  // Do not report a 401 to the unauthorized handler.
  ignoreUnauthorized?: boolean;
}

// fetch with the session rules applied; network failures become ApiError
// (status 0). Callers read the body themselves.
export async function apiFetch(url: string, init: RequestInit = {}, options: ApiFetchOptions = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const method = (init.method ?? 'GET').toUpperCase();
  if (csrfToken && !SAFE_METHODS.has(method)) headers.set('X-CSRF-Token', csrfToken);
  let response: Response;
  try {
    // same-origin: the session cookie goes with every call, never elsewhere.
    response = await fetch(url, { ...init, headers, credentials: 'same-origin' });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', `Cannot reach the server (${(e as Error).message}).`);
  }
  if (response.status === 401 && !options.ignoreUnauthorized) onUnauthorized?.();
  return response;
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

async function send<T>(url: string, init: RequestInit, signal?: AbortSignal, options?: ApiFetchOptions): Promise<T> {
  const headers = { Accept: 'application/json', ...((init.headers as Record<string, string>) ?? {}) };
  return parse<T>(await apiFetch(url, { ...init, signal, headers }, options));
}

export function get<T>(path: string, query: Query = {}, signal?: AbortSignal, options?: ApiFetchOptions): Promise<T> {
  return send<T>(`${path}${queryString(query)}`, { method: 'GET' }, signal, options);
}

export function post<T>(
  path: string,
  body: unknown,
  method = 'POST',
  signal?: AbortSignal,
  options?: ApiFetchOptions,
): Promise<T> {
  return send<T>(
    path,
    { method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } },
    signal,
    options,
  );
}

export const MLFLOW = 'ajax-api/2.0/mlflow';
export const CAIRN = 'ajax-api/2.0/cairn';
