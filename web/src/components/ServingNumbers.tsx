// Request rate and latency cells, shared by the deployments list and a
// deployment's page. "—" until two scrapes gave a rate.
import type { ModelRates } from '../lib/prometheus';

export function formatRate(rps: number | null | undefined): string {
  if (rps === null || rps === undefined) return '—';
  if (rps === 0) return '0/s';
  return rps < 10 ? `${rps.toFixed(2)}/s` : `${Math.round(rps)}/s`;
}

export function formatLatency(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const msv = seconds * 1000;
  if (msv < 1) return `${(msv * 1000).toFixed(0)} µs`;
  if (msv < 100) return `${msv.toFixed(msv < 10 ? 2 : 1)} ms`;
  return `${Math.round(msv)} ms`;
}

export function latencyTitle(r: ModelRates | undefined): string | undefined {
  if (!r) return undefined;
  return r.windowed ? 'over the last scrape interval' : 'since the server started (no request in the last interval)';
}
