// The title row of a page that polls something while it runs (a pipeline
// run, a tuning experiment): name, state badge, an action while it is
// active, the live note and the last failed refresh. Also the page shown
// before the first answer: loading, or the error with a way back.
import type { ReactNode } from 'react';
import { Breadcrumbs, ErrorState, Loading } from './common';

export interface LiveHeaderProps {
  title: string;
  state: string;
  badgeClass: string; // badge-<class>
  stateTestId: string;
  active: boolean;
  action?: ReactNode; // shown while active
  pollMs: number;
  error?: Error; // the last refresh's
}

export function LiveHeader({ title, state, badgeClass, stateTestId, active, action, pollMs, error }: LiveHeaderProps) {
  return (
    <div className="title-row">
      <h1>{title}</h1>
      <span className={`badge badge-${badgeClass}`} data-testid={stateTestId}>
        {state}
      </span>
      {active && action}
      {active && <span className="muted small" aria-live="polite">live · refreshes every {pollMs / 1000} s</span>}
      {error && <span className="warning small">Last refresh failed: {error.message}</span>}
    </div>
  );
}

export interface FirstLoadProps {
  error?: Error;
  retry: () => void;
  crumbs: { label: string; href?: string }[];
  errorTitle: string;
  loading: string;
}

// Until the first answer: the error page (with breadcrumbs back) or Loading.
export function FirstLoad({ error, retry, crumbs, errorTitle, loading }: FirstLoadProps) {
  if (!error) return <Loading what={loading} />;
  return (
    <div className="page">
      <Breadcrumbs items={crumbs} />
      <ErrorState error={error} retry={retry} title={errorTitle} />
    </div>
  );
}
