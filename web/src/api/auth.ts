// cairn's session endpoints (docs/auth.md): who is signed in, sign in, sign
// out. The CSRF token they return is handed to the fetch wrapper (memory
// only); the session itself is an HttpOnly cookie the page never sees.
import { ApiError, get, post, setCsrfToken } from './client';

const AUTH = 'api/2.0/cairn/auth';

export interface User {
  username: string;
  is_admin: boolean;
}

interface SessionReply {
  user: User | null;
  csrf_token?: string;
  auth_enabled?: boolean;
}

// What the app needs to know at start: `authEnabled` false means the server
// runs without --auth and the UI behaves as before; otherwise `user` is null
// until someone signs in.
export interface AuthState {
  authEnabled: boolean;
  user: User | null;
}

function accept(reply: SessionReply): AuthState {
  setCsrfToken(reply.user ? (reply.csrf_token ?? null) : null);
  return { authEnabled: reply.auth_enabled !== false, user: reply.user ?? null };
}

export async function fetchSession(signal?: AbortSignal): Promise<AuthState> {
  try {
    return accept(await get<SessionReply>(`${AUTH}/me`, {}, signal, { ignoreUnauthorized: true }));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      setCsrfToken(null);
      return { authEnabled: true, user: null };
    }
    // A server without the auth endpoints (an older cairn, or MLflow) has
    // no sessions to speak of.
    if (e instanceof ApiError && e.status === 404) return { authEnabled: false, user: null };
    throw e;
  }
}

// Rejects with the server's ApiError (401 for wrong credentials, 429 when
// rate limited).
export async function login(username: string, password: string): Promise<AuthState> {
  return accept(await post<SessionReply>(`${AUTH}/login`, { username, password }, 'POST', undefined, { ignoreUnauthorized: true }));
}

// The token is forgotten even when the call fails: the user asked to leave.
export async function logout(): Promise<void> {
  try {
    await post<unknown>(`${AUTH}/logout`, {}, 'POST', undefined, { ignoreUnauthorized: true });
  } finally {
    setCsrfToken(null);
  }
}
