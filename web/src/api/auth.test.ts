import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fetchSession, login, logout } from './auth';
import { post, setCsrfToken } from './client';

let calls: { url: string; init: RequestInit }[] = [];
let replies: Response[] = [];

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

beforeEach(() => {
  calls = [];
  replies = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return replies.shift() ?? json(200, {});
  }));
});

afterEach(() => {
  setCsrfToken(null);
  vi.unstubAllGlobals();
});

const csrf = (i: number) => new Headers(calls[i].init.headers).get('X-CSRF-Token');

describe('fetchSession', () => {
  it('reads "auth off" from the server', async () => {
    replies.push(json(200, { user: null, auth_enabled: false }));
    expect(await fetchSession()).toEqual({ authEnabled: false, user: null });
    expect(calls[0].url).toBe('api/2.0/cairn/auth/me');
  });

  it('treats 401 as "sign in needed" and 404 (no auth endpoints) as auth off', async () => {
    replies.push(json(401, { error_code: 'UNAUTHENTICATED', message: 'no session' }));
    expect(await fetchSession()).toEqual({ authEnabled: true, user: null });
    replies.push(json(404, { error_code: 'ENDPOINT_NOT_FOUND', message: 'no' }));
    expect(await fetchSession()).toEqual({ authEnabled: false, user: null });
  });

  it('keeps the token of an existing session (a reload) for later writes', async () => {
    replies.push(json(200, { user: { username: 'ada', is_admin: false }, csrf_token: 'c1', auth_enabled: true }));
    expect(await fetchSession()).toEqual({ authEnabled: true, user: { username: 'ada', is_admin: false } });
    await post('ajax-api/2.0/mlflow/runs/create', {});
    expect(csrf(1)).toBe('c1');
  });
});

describe('login and logout', () => {
  it('posts the credentials as JSON, keeps the token in memory, and forgets it on logout', async () => {
    replies.push(json(200, { user: { username: 'ada', is_admin: true }, csrf_token: 'c2', auth_enabled: true }));
    const state = await login('ada', 's3cret');
    expect(state.user).toEqual({ username: 'ada', is_admin: true });
    expect(calls[0].url).toBe('api/2.0/cairn/auth/login');
    expect(calls[0].init.method).toBe('POST');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ username: 'ada', password: 's3cret' });
    await logout();
    expect(calls[1].url).toBe('api/2.0/cairn/auth/logout');
    expect(csrf(1)).toBe('c2'); // logout is a cookie-authenticated POST too
    await post('ajax-api/2.0/mlflow/runs/create', {});
    expect(csrf(2)).toBeNull();
  });

  it('rejects wrong credentials with the server error and keeps no token', async () => {
    replies.push(json(401, { error_code: 'UNAUTHENTICATED', message: 'Invalid username or password' }));
    await expect(login('ada', 'nope')).rejects.toMatchObject({ status: 401 });
    await post('ajax-api/2.0/mlflow/runs/create', {});
    expect(csrf(1)).toBeNull();
  });

  it('forgets the token even when logout fails', async () => {
    replies.push(json(200, { user: { username: 'ada', is_admin: false }, csrf_token: 'c3', auth_enabled: true }));
    await login('ada', 'pw');
    replies.push(json(500, { error_code: 'INTERNAL_ERROR', message: 'boom' }));
    await expect(logout()).rejects.toMatchObject({ status: 500 });
    await post('ajax-api/2.0/mlflow/runs/create', {});
    expect(csrf(2)).toBeNull();
  });
});
