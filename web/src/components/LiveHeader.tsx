// The title row of a page that polls something while it runs (a pipeline
// run, a tuning experiment): name, state badge, an action while it is
// active, the live note and the last failed refresh.
import type { ReactNode } from 'react';

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
