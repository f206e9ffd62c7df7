// Deployments of this server: model URI, the version served (linked to its
// registry page), the canary and its share, state, and live request rate
// and latency read from /metrics (scraped every 2 s).
import { listDeployments } from '../api/serving';
import { Breadcrumbs, EmptyState, ErrorState, Loading } from '../components/common';
import { formatLatency, formatRate, latencyTitle } from '../components/ServingNumbers';
import { usePolling } from '../lib/hooks';
import { useServingMetrics } from '../lib/useServingMetrics';
import { href } from '../lib/urlState';
import type { ServedVersion } from '../api/serving';

const POLL_MS = 5000;

export function VersionLink({ v }: { v: ServedVersion | undefined }) {
  if (!v?.registered_model_name || !v.version) return <span className="muted">—</span>;
  return (
    <a href={href.modelVersion(v.registered_model_name, v.version)}>
      {v.registered_model_name} v{v.version}
    </a>
  );
}

export default function ServingPage() {
  // Deployments change rarely (a PATCH from elsewhere): a slow poll.
  const list = usePolling((signal) => listDeployments(signal), [], () => true, POLL_MS);
  const metrics = useServingMetrics();
  return (
    <div className="page">
      <Breadcrumbs items={[{ label: 'Serving' }]} />
      <h1>Deployments</h1>
      {list.error && !list.data ? (
        <ErrorState error={list.error} retry={list.reload} title="Could not load the deployments" />
      ) : !list.data ? (
        <Loading what="Loading deployments" />
      ) : list.data.length === 0 ? (
        <EmptyState title="No deployments yet">
          Deploy a registered model version with <code>POST api/2.0/cairn/serving/deployments</code>{' '}
          <code>{'{"model_uri": "models:/NAME/VERSION"}'}</code> (docs/serving.md).
        </EmptyState>
      ) : (
        <>
          <p className="muted small status-line" data-testid="serving-status" aria-live="polite">
            {list.data.length} deployment{list.data.length === 1 ? '' : 's'}
            {metrics.error ? ` · metrics unavailable: ${metrics.error.message}` : ' · rates and latency from /metrics, every 2 s'}
          </p>
          <table className="list" data-testid="deployments-table">
            <thead>
              <tr>
                <th>Deployment</th>
                <th>Model URI</th>
                <th>Serves</th>
                <th>Canary</th>
                <th>State</th>
                <th className="num">Requests</th>
                <th className="num">p50</th>
                <th className="num">p99</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((d) => {
                const r = metrics.rates.get(d.name);
                return (
                  <tr key={d.name} data-deployment={d.name}>
                    <td className="nowrap">
                      <a href={href.deployment(d.name)}>{d.name}</a>
                    </td>
                    <td className="mono small">{d.model_uri}</td>
                    <td className="nowrap">
                      <VersionLink v={d.model_version} />
                    </td>
                    <td className="nowrap">
                      {d.canary ? (
                        <>
                          <VersionLink v={d.canary} /> <span className="muted small">{d.canary_traffic_percent ?? 0}%</span>
                        </>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td>
                      <span className={`badge badge-${d.state === 'READY' ? 'ok' : 'run'}`}>{d.state}</span>
                    </td>
                    <td className="num nowrap" title={r ? `${r.requests} in total, ${r.errors} failed` : undefined}>
                      {formatRate(r?.requestsPerSecond)}
                    </td>
                    <td className="num nowrap" title={latencyTitle(r)}>{formatLatency(r?.p50)}</td>
                    <td className="num nowrap" title={latencyTitle(r)}>{formatLatency(r?.p99)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
