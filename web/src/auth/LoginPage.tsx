// The sign-in form. The password lives only in this component's state while
// typed: it is posted as JSON (never in a URL), cleared after a failed
// attempt and never written to storage.
import { useEffect, useState, type FormEvent } from 'react';
import { login, type AuthState } from '../api/auth';
import { ApiError } from '../api/client';

function describe(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Wrong username or password.';
    if (error.status === 429) return 'Too many attempts. Wait a minute, then try again.';
    return error.message;
  }
  return (error as Error).message ?? String(error);
}

export function LoginPage({ expired, onSignedIn }: { expired: boolean; onSignedIn: (auth: AuthState) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = 'Sign in · cairn';
  }, []);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    if (!username.trim() || !password) {
      setError('Enter your username and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const auth = await login(username.trim(), password);
      if (!auth.user) throw new Error('The server did not start a session.');
      onSignedIn(auth);
    } catch (err) {
      setPassword('');
      setError(describe(err));
      setBusy(false);
    }
  }

  return (
    <div className="login">
      {/* method=post: even a submit without this script never puts the password in a URL */}
      <form className="login-card" method="post" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <h1 id="login-title">
          <img src="./favicon.svg" alt="" width={24} height={24} /> Sign in to cairn
        </h1>
        {expired && !error && <p className="login-note">Your session has ended. Sign in again to continue.</p>}
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            disabled={busy}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            disabled={busy}
          />
        </label>
        {error && (
          <p className="login-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
