// One deployment: what it serves (the registry version, linked, and so its
// lineage back to the run), the canary and its share, live numbers from
// /metrics with a short in-memory history chart, and a form to switch the
// version or change the canary split (PATCH).
import { useMemo, useState } from 'react';
import type { AlignedData } from 'uplot';
import { getDeployment, patchDeployment, type Deployment, type ServedVersion } from '../api/serving';
import { Breadcrumbs, ErrorState } from '../components/common';
import { FirstLoad } from '../components/FirstLoad';
import { formatLatency, formatRate, latencyTitle } from '../components/ServingNumbers';
import { SmallChart } from '../components/SmallChart';
import { formatNumber, formatTime } from '../lib/format';
import { usePolling } from '../lib/hooks';
import { useServingMetrics } from '../lib/useServingMetrics';
import { href } from '../lib/urlState';
import { VersionLink } from './ServingPage';

const POLL_MS = 5000;

function VersionFacts({ title, v, share }: { title: string; v: ServedVersion; share?: number }) {
  return (
    <section className="chart-card" aria-label={title}>
      <h3>
        {title}
        {share !== undefined ? ` · ${share}% of requests` : ''}
      </h3>
      <dl className="facts">
        <div><dt>Version</dt><dd><VersionLink v={v} /></dd></div>
        <div><dt>Resolved from</dt><dd className="mono small">{v.model_uri}</dd></div>
        {v.platform && <div><dt>Backend</dt><dd>{v.platform}</dd></div>}
        <div>
          <dt>Source run</dt>
          <dd>{v.run_id ? <a href={href.runById(v.run_id)}>open the run</a> : <span className="muted">none</span>}</dd>
        </div>
      </dl>
      {v.source && <p className="mono small muted">{v.source}</p>}
    </section>
  );
}

function UpdateForm({ d, onDone }: { d: Deployment; onDone: () => void }) {
  const [uri, setUri] = useState('');
  const [percent, setPercent] = useState(String(d.canary ? (d.canary_traffic_percent ?? 0) : 10));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [done, setDone] = useState('');
  const run = async (patch: { model_uri?: string; canary_traffic_percent?: number }, what: string) => {
    setBusy(true);
    setError(undefined);
    setDone('');
    try {
      await patchDeployment(d.name, patch);
      setDone(what);
      setUri('');
      onDone();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const pct = Number(percent);
  const pctValid = Number.isInteger(pct) && pct >= 0 && pct <= 100;
  return (
    <section aria-label="Update the deployment">
      <h2>Update</h2>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (uri.trim()) void run({ model_uri: uri.trim() }, `Now serving ${uri.trim()}.`);
        }}
      >
        <input
          aria-label="New model URI"
          placeholder="models:/NAME/VERSION or models:/NAME@ALIAS"
          value={uri}
          onChange={(e) => setUri(e.target.value)}
          style={{ minWidth: 320 }}
        />
        <button type="submit" disabled={busy || !uri.trim()}>
          Switch all traffic
        </button>
        <label className="check inline">
          or as a canary with{' '}
          <input aria-label="Canary traffic percent" type="number" min={1} max={99} value={percent} onChange={(e) => setPercent(e.target.value)} style={{ width: 70, minWidth: 0 }} />%
        </label>
        <button
          type="button"
          disabled={busy || !uri.trim() || !pctValid || pct < 1 || pct > 99}
          onClick={() => void run({ model_uri: uri.trim(), canary_traffic_percent: pct }, `Canary ${uri.trim()} gets ${pct}%.`)}
        >
          Start canary
        </button>
      </form>
      {d.canary && (
        <div className="inline-form">
          <button type="button" disabled={busy || !pctValid} onClick={() => void run({ canary_traffic_percent: pct }, `The canary gets ${pct}%.`)}>
            Set canary share to {pctValid ? pct : '…'}%
          </button>
          <button type="button" disabled={busy} onClick={() => void run({ canary_traffic_percent: 100 }, 'The canary is now the primary.')}>
            Promote the canary
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => void run({ canary_traffic_percent: 0 }, 'The canary was removed.')}>
            Remove the canary
          </button>
        </div>
      )}
      <p className="small muted" aria-live="polite">
        {busy ? 'Loading and warming up the model…' : done}
      </p>
      {error && <ErrorState error={error} title="The deployment was not changed" />}
    </section>
  );
}

export default function DeploymentPage({ name }: { name: string }) {
  const polled = usePolling((signal) => getDeployment(name, signal), [name], () => true, POLL_MS);
  const metrics = useServingMetrics();
  const history = metrics.history(name);
  const charts = useMemo(() => {
    const t = history.map((p) => p.t);
    return {
      rate: [t, history.map((p) => p.rps)] as AlignedData,
      latency: [t, history.map((p) => p.p50), history.map((p) => p.p99)] as AlignedData,
    };
    // The history array is replaced on every scrape.
  }, [history]);

  if (!polled.data) {
    return (
      <FirstLoad
        error={polled.error}
        retry={polled.reload}
        crumbs={[{ label: 'Serving', href: href.serving() }, { label: name }]}
        errorTitle="Could not load this deployment"
        loading="Loading the deployment"
      />
    );
  }
  const d = polled.data;
  const r = metrics.rates.get(d.name);
  const perVersion = metrics.versionRates.get(d.name);

  return (
    <div className="page">
      <Breadcrumbs items={[{ label: 'Serving', href: href.serving() }, { label: d.name }]} />
      <div className="title-row">
        <h1>{d.name}</h1>
        <span className={`badge badge-${d.state === 'READY' ? 'ok' : 'run'}`} data-testid="deployment-state">
          {d.state}
        </span>
        {polled.error && <span className="warning small">Last refresh failed: {polled.error.message}</span>}
      </div>
      <dl className="facts">
        <div><dt>Model URI</dt><dd className="mono">{d.model_uri}</dd></div>
        <div><dt>Requests</dt><dd className="stat" data-testid="deployment-rate">{formatRate(r?.requestsPerSecond)}</dd></div>
        <div><dt>p50</dt><dd className="stat" title={latencyTitle(r)}>{formatLatency(r?.p50)}</dd></div>
        <div><dt>p99</dt><dd className="stat" title={latencyTitle(r)}>{formatLatency(r?.p99)}</dd></div>
        <div><dt>Total</dt><dd>{r ? `${formatNumber(r.requests)} requests, ${formatNumber(r.errors)} failed` : '—'}</dd></div>
        <div><dt>In queue</dt><dd>{r ? r.queueDepth : '—'}</dd></div>
        {d.batching && (
          <div>
            <dt>Batching</dt>
            <dd>
              {(d.batching.max_batch_size ?? 1) > 1
                ? `up to ${d.batching.max_batch_size} rows, wait ≤ ${d.batching.max_queue_delay_us ?? 0} µs`
                : 'off'}
            </dd>
          </div>
        )}
        <div><dt>Updated</dt><dd>{formatTime(d.last_updated_timestamp)}</dd></div>
      </dl>
      {metrics.error && <p className="warning small">Metrics unavailable: {metrics.error.message}</p>}
      <div className="two-col">
        {d.model_version && (
          <VersionFacts title="Primary" v={d.model_version} share={d.canary ? 100 - (d.canary_traffic_percent ?? 0) : undefined} />
        )}
        {d.canary && <VersionFacts title="Canary" v={d.canary} share={d.canary_traffic_percent ?? 0} />}
      </div>
      {perVersion && perVersion.size > 1 && (
        <table className="list" aria-label="Per version">
          <thead>
            <tr>
              <th>Version</th>
              <th className="num">Requests</th>
              <th className="num">p50</th>
              <th className="num">p99</th>
            </tr>
          </thead>
          <tbody>
            {[...perVersion].map(([v, vr]) => (
              <tr key={v}>
                <td>v{v}</td>
                <td className="num">{formatRate(vr.requestsPerSecond)}</td>
                <td className="num">{formatLatency(vr.p50)}</td>
                <td className="num">{formatLatency(vr.p99)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Recent traffic</h2>
      {history.length < 2 ? (
        <p className="muted small" data-testid="traffic-empty">
          The charts fill in while this page is open (a point every 2 s, kept for 5 minutes in this tab).
        </p>
      ) : (
        <div className="two-col">
          <section className="chart-card" aria-label="Request rate">
            <h3 className="chart-title">Requests per second</h3>
            <SmallChart testId="rate-chart" label="Requests per second over the last minutes" data={charts.rate} xLabel="time" xTime series={[{ label: 'req/s', color: '#2f6fdf', line: true }]} height={180} />
          </section>
          <section className="chart-card" aria-label="Latency">
            <h3 className="chart-title">Latency (ms)</h3>
            <SmallChart
              testId="latency-chart"
              label="p50 and p99 latency over the last minutes"
              data={charts.latency}
              xLabel="time"
              xTime
              series={[
                { label: 'p50', color: '#2a9d5b', line: true },
                { label: 'p99', color: '#e0662b', line: true },
              ]}
              height={180}
            />
          </section>
        </div>
      )}
      <UpdateForm d={d} onDone={polled.reload} />
      {d.endpoints && (
        <>
          <h2>Endpoints</h2>
          <ul className="plain mono small">
            {Object.entries(d.endpoints).map(([k, v]) => (
              <li key={k}>
                {k}: {v}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
