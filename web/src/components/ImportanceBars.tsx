// Parameter importance (the API's fANOVA-lite shares) as horizontal bars,
// largest first; the number is always printed next to its bar.
import type { Importance } from '../api/tuning';
import { importanceBars } from '../lib/tuning';

export function ImportanceBars({ importance }: { importance: Importance[] }) {
  const bars = importanceBars(importance);
  if (bars.length === 0 || bars.every((b) => b.importance === 0)) {
    return <p className="muted small">Not enough data yet: importance needs 3 trials with an objective that is not constant.</p>;
  }
  return (
    <table className="importance" data-testid="importance" aria-label="Parameter importance">
      <tbody>
        {bars.map((b) => (
          <tr key={b.name} data-param={b.name}>
            <th scope="row" className="mono">{b.name}</th>
            <td className="importance-cell">
              <span className="importance-bar" style={{ width: `${(b.share * 100).toFixed(1)}%` }} aria-hidden="true" />
            </td>
            <td className="num" title={b.eta_squared !== undefined ? `eta² ${b.eta_squared.toFixed(3)}` : undefined}>
              {(b.importance * 100).toFixed(1)}%
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
