// Task counts per state ("3 succeeded · 1 failed"), each with its colour dot
// and its name, so the colour is never the only signal.
import { STATE_STYLE, countsSummary, type StateCounts } from '../lib/pipelineStates';

export function CountChips({ counts }: { counts: StateCounts | undefined }) {
  const items = countsSummary(counts ?? {});
  if (items.length === 0) return <span className="muted small">no tasks yet</span>;
  return (
    <span className="counts">
      {items.map(({ state, count }) => (
        <span key={state} className={`count count-${state}`}>
          <span className={`dot dot-${state}`} aria-hidden="true" />
          {count} {STATE_STYLE[state].label}
        </span>
      ))}
    </span>
  );
}
