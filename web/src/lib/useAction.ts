// One user action at a time (revoke, stop, save): `busy` while it runs, the
// failure's message kept for the form to show, cleared by the next try.
import { useCallback, useState } from 'react';

export interface Action {
  busy: boolean;
  error: string | null;
  setError: (error: string | null) => void; // for the form's own checks
  run: (fn: () => Promise<unknown>) => Promise<boolean>; // true when it went through
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
