// The loading / error / empty / data switch every page and section has, for
// an AsyncState (useAsync, usePolling): the error page only while there is
// no data (a failed refresh keeps the last data on screen; the caller says
// so where it wants).
import type { ReactNode } from 'react';
import { ErrorState, Loading } from './common';

export interface AsyncViewProps<T> {
  state: { data: T | undefined; error: Error | undefined; reload: () => void };
  errorTitle: string;
  loading: string; // "Loading tokens" (Loading adds the ellipsis)
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}

export function AsyncView<T>({ state, errorTitle, loading, isEmpty, empty, children }: AsyncViewProps<T>) {
  if (state.data === undefined) {
    return state.error ? <ErrorState error={state.error} retry={state.reload} title={errorTitle} /> : <Loading what={loading} />;
  }
  if (isEmpty?.(state.data)) return <>{empty}</>;
  return <>{children(state.data)}</>;
}
