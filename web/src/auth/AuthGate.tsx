// Decides what the dashboard shows before anything else: when the server
// runs with --auth and nobody is signed in, the login page; otherwise the
// app. The hash route is never touched, so after signing in (or in again
// after a session expired) the user lands on the page they asked for.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { fetchSession, logout, type AuthState, type User } from '../api/auth';
import { setCsrfToken, setUnauthorizedHandler } from '../api/client';
import { ErrorState, Loading } from '../components/common';
import { LoginPage } from './LoginPage';

export interface Session {
  // False when the server runs without --auth: no user, no menu.
  authEnabled: boolean;
  user: User | null;
  signOut: () => Promise<void>;
}

type Phase =
  | { kind: 'checking' }
  | { kind: 'failed'; error: Error }
  | { kind: 'signedOut'; expired: boolean }
  | { kind: 'ready'; auth: AuthState };

export function AuthGate({ children }: { children: (session: Session) => ReactNode }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' });

  const check = useCallback((signal?: AbortSignal) => {
    setPhase({ kind: 'checking' });
    fetchSession(signal).then(
      (auth) => {
        if (signal?.aborted) return;
        setPhase(auth.authEnabled && !auth.user ? { kind: 'signedOut', expired: false } : { kind: 'ready', auth });
      },
      (error: Error) => {
        if (!signal?.aborted && error.name !== 'AbortError') setPhase({ kind: 'failed', error });
      },
    );
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    check(controller.signal);
    return () => controller.abort();
  }, [check]);

  // Any call answered 401 while signed in: the session expired or was
  // revoked. Only a server with sessions sends that to a signed-in page.
  useEffect(() => {
    setUnauthorizedHandler(() => {
      setPhase((p) => {
        if (p.kind !== 'ready' || !p.auth.authEnabled) return p;
        setCsrfToken(null);
        return { kind: 'signedOut', expired: true };
      });
    });
    return () => setUnauthorizedHandler(null);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await logout();
    } catch {
      // Signed out locally either way; the cookie expires on its own.
    }
    setPhase({ kind: 'signedOut', expired: false });
  }, []);

  switch (phase.kind) {
    case 'checking':
      return <Loading what="Connecting" />;
    case 'failed':
      return (
        <div className="page">
          <ErrorState error={phase.error} retry={() => check()} title="Could not reach the cairn server" />
        </div>
      );
    case 'signedOut':
      return <LoginPage expired={phase.expired} onSignedIn={(auth) => setPhase({ kind: 'ready', auth })} />;
    case 'ready':
      return <>{children({ authEnabled: phase.auth.authEnabled, user: phase.auth.user, signOut })}</>;
  }
}
