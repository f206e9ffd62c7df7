import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createToken,
  createUser,
  deleteUser,
  listTokens,
  listUsers,
  listWorkspaces,
  revokeToken,
  setAdmin,
  tokenState,
  updateLimits,
  updatePassword,
} from './account';
import { ApiError, setCsrfToken } from './client';

let calls: { url: string; init: RequestInit }[] = [];
let replies: Response[] = [];

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

beforeEach(() => {
  calls = [];
  replies = [];
  setCsrfToken('csrf-1');
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return replies.shift() ?? json(200, {});
  }));
});

afterEach(() => {
  setCsrfToken(null);
  vi.unstubAllGlobals();
});

const last = () => calls.at(-1)!;
const body = () => JSON.parse(String(last().init.body));
const csrf = () => new Headers(last().init.headers).get('X-CSRF-Token');

describe('access tokens', () => {
  it('lists, creates (name, expiry in seconds, workspace only when chosen) and revokes', async () => {
    replies.push(json(200, { tokens: [{ token_id: 't1', name: 'ci', created_time: 5 }] }));
    expect(await listTokens()).toEqual([{ token_id: 't1', name: 'ci', created_time: 5 }]);
    expect(last().url).toBe('api/2.0/cairn/auth/tokens/list');
    expect(last().init.method).toBe('GET');

    replies.push(json(200, { token: 'cairn_pat_x_y', token_info: { token_id: 'x', name: 'ci', created_time: 6 } }));
    const created = await createToken({ name: 'ci', expiresInSeconds: 7 * 86400 });
    expect(created.token).toBe('cairn_pat_x_y');
    expect(last().url).toBe('api/2.0/cairn/auth/tokens/create');
    expect(last().init.method).toBe('POST');
    expect(body()).toEqual({ name: 'ci', expires_in_seconds: 604800 });
    expect(csrf()).toBe('csrf-1');

    await createToken({ name: 'team', expiresInSeconds: 60, workspace: 'vision' });
    expect(body()).toEqual({ name: 'team', expires_in_seconds: 60, workspace: 'vision' });

    await revokeToken('x');
    expect(last().url).toBe('api/2.0/cairn/auth/tokens/revoke');
    expect(body()).toEqual({ token_id: 'x' });
    expect(csrf()).toBe('csrf-1');
  });

  it('reads the workspaces, and an empty answer as none', async () => {
    replies.push(json(200, { workspaces: [{ name: 'vision', description: '' }] }), json(200, {}));
    expect((await listWorkspaces()).map((w) => w.name)).toEqual(['vision']);
    expect(last().url).toBe('api/2.0/cairn/auth/workspaces/list');
    expect(await listWorkspaces()).toEqual([]);
  });

  it('tells active, expired and revoked apart', () => {
    const t = { token_id: 'a', name: '', created_time: 1 };
    expect(tokenState({ ...t, expires_time: 2000 }, 1000)).toBe('active');
    expect(tokenState(t, 1000)).toBe('active');
    expect(tokenState({ ...t, expires_time: 1000 }, 1000)).toBe('expired');
    expect(tokenState({ ...t, expires_time: 500, revoked_time: 400 }, 1000)).toBe('revoked');
  });
});

describe('password', () => {
  it('PATCHes update-password and rejects with the server message on 400', async () => {
    await updatePassword('ada', 'a-new-password');
    expect(last().url).toBe('api/2.0/mlflow/users/update-password');
    expect(last().init.method).toBe('PATCH');
    expect(body()).toEqual({ username: 'ada', password: 'a-new-password' });
    expect(csrf()).toBe('csrf-1');

    replies.push(json(400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'Passwords must be 8..1024 bytes.' }));
    const err = await updatePassword('ada', 'short').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'INVALID_PARAMETER_VALUE', message: 'Passwords must be 8..1024 bytes.' });
  });
});

describe('users (admin)', () => {
  it('lists users without the built-in task user, with limits always an object', async () => {
    replies.push(json(200, {
      users: [
        { id: 1, username: 'admin', is_admin: true, limits: {} },
        { id: 2, username: 'cairn-task', is_admin: false, limits: {} },
        { id: 3, username: 'ada', is_admin: false },
      ],
    }));
    const users = await listUsers();
    expect(last().url).toBe('api/2.0/cairn/auth/users/list');
    expect(users.map((u) => u.username)).toEqual(['admin', 'ada']);
    expect(users[1].limits).toEqual({});
  });

  it('creates, sets admin, and deletes with the documented methods and bodies', async () => {
    await createUser('bob', 'bobs-password');
    expect([last().url, last().init.method]).toEqual(['api/2.0/mlflow/users/create', 'POST']);
    expect(body()).toEqual({ username: 'bob', password: 'bobs-password' });

    await setAdmin('bob', true);
    expect([last().url, last().init.method]).toEqual(['api/2.0/mlflow/users/update-admin', 'PATCH']);
    expect(body()).toEqual({ username: 'bob', is_admin: true });
    await setAdmin('bob', false);
    expect(body()).toEqual({ username: 'bob', is_admin: false });

    await deleteUser('bob');
    expect([last().url, last().init.method]).toEqual(['api/2.0/mlflow/users/delete', 'DELETE']);
    expect(body()).toEqual({ username: 'bob' });
    expect(csrf()).toBe('csrf-1');
  });

  it('sends only the limits that are set and returns the stored user', async () => {
    replies.push(json(200, { user: { id: 3, username: 'ada', is_admin: false, limits: { requests_per_second: 5 } } }));
    const user = await updateLimits('ada', { requests_per_second: 5, max_request_bytes: undefined });
    expect([last().url, last().init.method]).toEqual(['api/2.0/cairn/auth/users/update-limits', 'PATCH']);
    expect(body()).toEqual({ username: 'ada', requests_per_second: 5 });
    expect(user.limits).toEqual({ requests_per_second: 5 });
    // Clearing all: only the name, so every limit is the server default again.
    replies.push(json(200, { user: { id: 3, username: 'ada', is_admin: false, limits: {} } }));
    await updateLimits('ada', {});
    expect(body()).toEqual({ username: 'ada' });
  });

  it('rejects with the server error for a non-admin', async () => {
    replies.push(json(403, { error_code: 'PERMISSION_DENIED', message: 'Permission denied: only admins may do this.' }));
    await expect(listUsers()).rejects.toMatchObject({ status: 403, code: 'PERMISSION_DENIED', message: 'Permission denied: only admins may do this.' });
  });
});
