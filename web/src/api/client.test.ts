import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiFetch, get, post, setCsrfToken, setUnauthorizedHandler } from './client';

// The real fetch is replaced by a recorder answering from `reply`.
let calls: { url: string; init: RequestInit }[] = [];
let reply: () => Response | Promise<Response> = () => json(200, {});

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function header(i: number, name: string): string | null {
  return new Headers(calls[i].init.headers).get(name);
}

beforeEach(() => {
  calls = [];
  reply = () => json(200, {});
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return reply();
  }));
});

afterEach(() => {
  setCsrfToken(null);
  setUnauthorizedHandler(null);
  vi.unstubAllGlobals();
});

describe('CSRF header', () => {
  it('is sent on every state-changing method once a session has a token, never on reads', async () => {
    setCsrfToken('tok-123');
    await get('ajax-api/2.0/mlflow/experiments/search');
    await post('ajax-api/2.0/mlflow/runs/create', { experiment_id: '1' });
    await post('api/2.0/cairn/serving/deployments/d', { canary_traffic_percent: 5 }, 'PATCH');
    await post('ajax-api/2.0/mlflow/experiments/delete', {}, 'DELETE');
    await apiFetch('metrics', { method: 'HEAD' });
    expect(header(0, 'X-CSRF-Token')).toBeNull();
    expect(header(1, 'X-CSRF-Token')).toBe('tok-123');
    expect(header(2, 'X-CSRF-Token')).toBe('tok-123');
    expect(header(3, 'X-CSRF-Token')).toBe('tok-123');
    expect(header(4, 'X-CSRF-Token')).toBeNull();
    // The JSON headers the callers set survive next to it.
    expect(header(1, 'Content-Type')).toBe('application/json');
    expect(header(1, 'Accept')).toBe('application/json');
  });

  it('is not sent without a session, nor after sign out', async () => {
    await post('ajax-api/2.0/mlflow/runs/create', {});
    setCsrfToken('tok-1');
    setCsrfToken(null);
    await post('ajax-api/2.0/mlflow/runs/create', {});
    expect(header(0, 'X-CSRF-Token')).toBeNull();
    expect(header(1, 'X-CSRF-Token')).toBeNull();
  });

  it('sends the cookie only to the same origin', async () => {
    await get('ajax-api/2.0/mlflow/experiments/search');
    expect(calls[0].init.credentials).toBe('same-origin');
  });
});

describe('401 handling', () => {
  it('reports a 401 from any call to the handler and still rejects with the API error', async () => {
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    reply = () => json(401, { error_code: 'UNAUTHENTICATED', message: 'Session expired' });
    await expect(get('ajax-api/2.0/mlflow/experiments/search')).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
      message: 'Session expired',
    });
    const raw = await apiFetch('metrics');
    expect(raw.status).toBe(401);
    expect(handler).toHaveBeenCalledTimes(2);
  });

  it('leaves other errors to the caller', async () => {
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    reply = () => json(403, { error_code: 'PERMISSION_DENIED', message: 'CSRF token missing or invalid' });
    await expect(post('ajax-api/2.0/mlflow/runs/create', {})).rejects.toBeInstanceOf(ApiError);
    expect(handler).not.toHaveBeenCalled();
  });

  it('skips the handler when the caller asks (the login call)', async () => {
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    reply = () => json(401, { error_code: 'UNAUTHENTICATED', message: 'Wrong username or password' });
    await expect(post('api/2.0/cairn/auth/login', {}, 'POST', undefined, { ignoreUnauthorized: true })).rejects.toMatchObject({ status: 401 });
    expect(handler).not.toHaveBeenCalled();
  });

  it('turns a network failure into an ApiError with status 0', async () => {
    reply = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(get('x')).rejects.toMatchObject({ status: 0, code: 'NETWORK' });
  });
});
