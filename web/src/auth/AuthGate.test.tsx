// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { get, post, setCsrfToken } from '../api/client';
import { AuthGate } from './AuthGate';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// A tiny fake of the session endpoints (the contract in docs/auth.md);
// every other path answers 401 unless signed in.
let signedIn = false;
let calls: { url: string; init: RequestInit }[] = [];
const ADA = { username: 'ada', is_admin: false };

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

async function server(url: string, init: RequestInit): Promise<Response> {
  calls.push({ url, init });
  if (url === 'api/2.0/cairn/auth/me') {
    return signedIn ? json(200, { user: ADA, csrf_token: 'csrf-me', auth_enabled: true }) : json(401, { error_code: 'UNAUTHENTICATED', message: 'Sign in' });
  }
  if (url === 'api/2.0/cairn/auth/login') {
    const { username, password } = JSON.parse(String(init.body));
    if (username !== 'ada' || password !== 'right') return json(401, { error_code: 'UNAUTHENTICATED', message: 'Invalid username or password' });
    signedIn = true;
    return json(200, { user: ADA, csrf_token: 'csrf-login', auth_enabled: true });
  }
  if (url === 'api/2.0/cairn/auth/logout') {
    signedIn = false;
    return json(200, {});
  }
  return signedIn ? json(200, { ok: true }) : json(401, { error_code: 'UNAUTHENTICATED', message: 'Session expired' });
}

let container: HTMLDivElement;
let root: Root;

// Sets a controlled input's value the way a user's typing does.
function type(input: HTMLInputElement, value: string) {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  setter.call(input, value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

const $ = <E extends Element>(selector: string) => container.querySelector<E>(selector);

async function settle() {
  for (let i = 0; i < 5; i++) await act(async () => { await Promise.resolve(); });
}

async function signIn(username: string, password: string) {
  act(() => type($<HTMLInputElement>('input[name=username]')!, username));
  act(() => type($<HTMLInputElement>('input[name=password]')!, password));
  await act(async () => { $<HTMLFormElement>('form')!.requestSubmit(); });
  await settle();
}

function App() {
  return (
    <AuthGate>
      {(session) => (
        <div>
          <span id="who">{session.user?.username ?? 'nobody'}</span>
          <span id="auth">{String(session.authEnabled)}</span>
          <button id="out" onClick={() => void session.signOut()}>out</button>
        </div>
      )}
    </AuthGate>
  );
}

beforeEach(() => {
  signedIn = false;
  calls = [];
  window.location.hash = '#/experiments/7?filter=x';
  vi.stubGlobal('fetch', vi.fn(server));
  container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
  setCsrfToken(null);
  vi.unstubAllGlobals();
});

describe('AuthGate and LoginPage', () => {
  it('shows the app untouched when the server runs without --auth', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(200, { user: null, auth_enabled: false })));
    act(() => root.render(<App />));
    await settle();
    expect($('#who')!.textContent).toBe('nobody');
    expect($('#auth')!.textContent).toBe('false');
    expect($('form')).toBeNull();
  });

  it('asks for a login, rejects a wrong password with a message, then lets the right one in on the same route', async () => {
    act(() => root.render(<App />));
    await settle();
    expect($('form')).not.toBeNull();
    expect($('#who')).toBeNull();

    await signIn('ada', 'wrong');
    expect($('[role=alert]')!.textContent).toBe('Wrong username or password.');
    expect($<HTMLInputElement>('input[name=password]')!.value).toBe('');
    expect($<HTMLInputElement>('input[name=username]')!.value).toBe('ada');

    await signIn('ada', 'right');
    expect($('#who')!.textContent).toBe('ada');
    expect(window.location.hash).toBe('#/experiments/7?filter=x');
    // The password went only into a JSON body: not the URL, not storage.
    const loginCalls = calls.filter((c) => c.url.includes('auth/login'));
    expect(loginCalls.every((c) => !c.url.includes('right') && c.init.method === 'POST')).toBe(true);
    expect(window.location.href).not.toContain('right');
    expect(JSON.stringify({ ...window.localStorage })).not.toContain('right');
    expect(JSON.stringify({ ...window.sessionStorage })).not.toContain('right');

    // Writes now carry the token the login returned.
    await act(async () => { await post('ajax-api/2.0/mlflow/runs/create', {}); });
    expect(new Headers(calls.at(-1)!.init.headers).get('X-CSRF-Token')).toBe('csrf-login');
  });

  it('refuses an empty form without calling the server', async () => {
    act(() => root.render(<App />));
    await settle();
    const before = calls.length;
    await signIn('', '');
    expect($('[role=alert]')!.textContent).toBe('Enter your username and password.');
    expect(calls.length).toBe(before);
  });

  it('goes back to the login page when a call gets 401 (session expired), keeping the route', async () => {
    signedIn = true;
    act(() => root.render(<App />));
    await settle();
    expect($('#who')!.textContent).toBe('ada');
    signedIn = false; // the server forgot the session
    window.location.hash = '#/models/iris';
    await act(async () => { await get('ajax-api/2.0/mlflow/registered-models/search').catch(() => undefined); });
    await settle();
    expect($('form')).not.toBeNull();
    expect(container.textContent).toContain('Your session has ended');
    expect(window.location.hash).toBe('#/models/iris');
    await signIn('ada', 'right');
    expect($('#who')!.textContent).toBe('ada');
    expect(window.location.hash).toBe('#/models/iris');
  });

  it('signs out: the server call carries the token, then the login page', async () => {
    signedIn = true;
    act(() => root.render(<App />));
    await settle();
    await act(async () => { $<HTMLButtonElement>('#out')!.click(); });
    await settle();
    const logoutCall = calls.find((c) => c.url === 'api/2.0/cairn/auth/logout')!;
    expect(new Headers(logoutCall.init.headers).get('X-CSRF-Token')).toBe('csrf-me');
    expect($('form')).not.toBeNull();
    await act(async () => { await post('ajax-api/2.0/mlflow/runs/create', {}).catch(() => undefined); });
    expect(new Headers(calls.at(-1)!.init.headers).get('X-CSRF-Token')).toBeNull();
  });
});
