// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccessToken } from '../api/account';
import AccountPage from './AccountPage';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// A small fake of the account endpoints (docs/auth.md, "API").
const SECRET = 'cairn_pat_new1_0123456789abcdef';
const NOW = Date.now();
let tokens: AccessToken[] = [];
let calls: { url: string; method: string; body: unknown }[] = [];

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

async function server(url: string, init: RequestInit): Promise<Response> {
  const body = init.body ? JSON.parse(String(init.body)) : undefined;
  calls.push({ url, method: init.method ?? 'GET', body });
  switch (url) {
    case 'api/2.0/cairn/auth/tokens/list':
      return json(200, { tokens });
    case 'api/2.0/cairn/auth/workspaces/list':
      return json(200, { workspaces: [{ name: 'vision' }] });
    case 'api/2.0/cairn/auth/tokens/create': {
      const info = { token_id: 'new1', name: body.name, created_time: NOW, expires_time: NOW + body.expires_in_seconds * 1000 };
      tokens = [...tokens, info];
      return json(200, { token: SECRET, token_info: info });
    }
    case 'api/2.0/cairn/auth/tokens/revoke':
      tokens = tokens.map((t) => (t.token_id === body.token_id ? { ...t, revoked_time: NOW } : t));
      return json(200, {});
    case 'api/2.0/mlflow/users/update-password':
      return body.password.length < 8
        ? json(400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'Password must be 8..1024 bytes long.' })
        : json(200, {});
    case 'api/2.0/cairn/auth/users/list':
      return json(200, {
        users: [
          { id: 1, username: 'root', is_admin: true, limits: {} },
          { id: 2, username: 'cairn-task', is_admin: false, limits: {} },
          { id: 3, username: 'ada', is_admin: false, limits: { requests_per_second: 5 } },
        ],
      });
  }
  return json(404, { error_code: 'ENDPOINT_NOT_FOUND', message: url });
}

let container: HTMLDivElement;
let root: Root;
const $ = <E extends Element>(selector: string) => container.querySelector<E>(selector);
const $$ = (selector: string) => [...container.querySelectorAll(selector)];
const button = (name: string) => $$('button').find((b) => b.textContent === name || b.getAttribute('aria-label') === name) as HTMLButtonElement;
const headings = () => $$('h2').map((h) => h.textContent);

function type(input: HTMLInputElement, value: string) {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  setter.call(input, value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

async function settle() {
  for (let i = 0; i < 6; i++) await act(async () => { await Promise.resolve(); });
}

async function render(user: { username: string; is_admin: boolean } | null) {
  act(() => root.render(<AccountPage user={user} />));
  await settle();
}

async function click(b: HTMLButtonElement) {
  await act(async () => { b.click(); });
  await settle();
}

beforeEach(() => {
  tokens = [
    { token_id: 'old', name: 'laptop', created_time: NOW - 10e9, expires_time: NOW - 1000 },
    { token_id: 'live', name: 'ci', created_time: NOW - 1e6, expires_time: NOW + 1e9, last_used_time: NOW - 5000 },
  ];
  calls = [];
  vi.stubGlobal('fetch', vi.fn(server));
  container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
  vi.unstubAllGlobals();
});

describe('AccountPage', () => {
  it('says there is nothing to manage without --auth', async () => {
    await render(null);
    expect($('[data-testid=empty-state]')!.textContent).toContain('without authentication');
    expect(calls).toEqual([]);
  });

  it('shows a user their tokens with their state and no Users section (never asking for it)', async () => {
    await render({ username: 'ada', is_admin: false });
    expect(headings()).toEqual(['Access tokens', 'Password']);
    expect(calls.some((c) => c.url.includes('users/list'))).toBe(false);
    const state = (id: string) => $(`tr[data-token-id=${id}] .badge`)!.textContent;
    expect(state('old')).toBe('expired');
    expect(state('live')).toBe('active');
    // Only an active token can be revoked.
    expect($('tr[data-token-id=old] button')).toBeNull();
    expect(button('Revoke ci')).toBeTruthy();
  });

  it('shows a new token once, with a copy button and the usage snippet, then never again', async () => {
    await render({ username: 'ada', is_admin: false });
    act(() => type($<HTMLInputElement>('input[name=token-name]')!, 'nightly'));
    const expiry = $<HTMLSelectElement>('select[name=token-expiry]')!;
    expect([...expiry.options].map((o) => o.value)).toEqual(['7', '30', '90', '365']);
    // The user's workspaces are offered; none chosen by default.
    const workspace = $<HTMLSelectElement>('select[name=token-workspace]')!;
    expect([...workspace.options].map((o) => o.value)).toEqual(['', 'vision']);
    act(() => {
      expiry.value = '30';
      expiry.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await act(async () => { $<HTMLFormElement>('form[aria-label="Create an access token"]')!.requestSubmit(); });
    await settle();
    expect(calls.find((c) => c.url.endsWith('tokens/create'))!.body).toEqual({ name: 'nightly', expires_in_seconds: 30 * 86400 });

    const shown = $<HTMLInputElement>('input[aria-label="New access token"]')!;
    expect(shown.value).toBe(SECRET);
    expect(shown.readOnly).toBe(true);
    expect(button('Copy token')).toBeTruthy();
    const snippet = $('[data-testid=new-token] pre')!.textContent!;
    expect(snippet).toContain(`export MLFLOW_TRACKING_TOKEN=${SECRET}`);
    expect(snippet).toMatch(/^export MLFLOW_TRACKING_URI=http:\/\/localhost/);
    // The list has it by name, not by secret.
    expect($('tr[data-token-id=new1]')!.textContent).toContain('nightly');
    expect($('table')!.textContent).not.toContain(SECRET);

    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await click(button('Copy token'));
    expect(writeText).toHaveBeenCalledWith(SECRET);
    expect($('[data-testid=new-token]')!.textContent).toContain('Copied.');

    await click(button('Done, hide the token'));
    expect(container.innerHTML).not.toContain(SECRET);
    expect(JSON.stringify({ ...window.localStorage, ...window.sessionStorage })).not.toContain(SECRET);
    expect(window.location.href).not.toContain(SECRET);
  });

  it('revokes only after the confirmation', async () => {
    await render({ username: 'ada', is_admin: false });
    await click(button('Revoke ci'));
    expect(calls.some((c) => c.url.endsWith('tokens/revoke'))).toBe(false);
    await click(button('Yes, revoke ci'));
    expect(calls.find((c) => c.url.endsWith('tokens/revoke'))!.body).toEqual({ token_id: 'live' });
    expect($('tr[data-token-id=live] .badge')!.textContent).toBe('revoked');
  });

  it("shows the server's message when it refuses a password", async () => {
    await render({ username: 'ada', is_admin: false });
    const form = $<HTMLFormElement>('form[aria-label="Change your password"]')!;
    act(() => type(form.querySelector<HTMLInputElement>('input[name=new-password]')!, 'short'));
    act(() => type(form.querySelector<HTMLInputElement>('input[name=new-password-again]')!, 'short'));
    await act(async () => { form.requestSubmit(); });
    await settle();
    expect(calls.find((c) => c.url.endsWith('update-password'))!.body).toEqual({ username: 'ada', password: 'short' });
    expect(container.querySelector('[role=alert]')!.textContent).toBe('Password must be 8..1024 bytes long.');
    expect(form.querySelector<HTMLInputElement>('input[name=new-password]')!.value).toBe('');
  });

  it('shows admins the users, without the task user, with unset limits as the server default', async () => {
    await render({ username: 'root', is_admin: true });
    expect(headings()).toEqual(['Access tokens', 'Password', 'Users']);
    const rows = $$('tr[data-username]').map((r) => r.getAttribute('data-username'));
    expect(rows).toEqual(['root', 'ada']);
    const limit = (user: string, key: string) => $(`tr[data-username=${user}] [data-limit=${key}] dd`)!.textContent;
    expect(limit('ada', 'requests_per_second')).toBe('5');
    expect(limit('ada', 'max_request_bytes')).toBe('server default');
    // No admin can delete or demote themself: no buttons on their own row.
    expect(button('Delete root')).toBeUndefined();
    expect(button('Delete ada')).toBeTruthy();
    expect(button('Make admin ada')).toBeTruthy();
  });
});
