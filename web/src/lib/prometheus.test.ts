import { describe, expect, it } from 'vitest';
import { appendHistory, combineVersions, histogramQuantile, parsePrometheusText, ratesBetween, snapshotFromText } from './prometheus';

// The shape cairn's /metrics writes (src/frontends/inference_http/metrics_text.cc).
const scrape = (requests: number, buckets: number[], canary = 0) => `# HELP cairn_inference_requests_total Inference requests received.
# TYPE cairn_inference_requests_total counter
cairn_inference_requests_total{model="iris",version="1"} ${requests}
cairn_inference_requests_total{model="iris",version="2"} ${canary}
cairn_inference_errors_total{model="iris",version="1"} 1
cairn_inference_queue_depth{model="iris",version="1"} 2
# TYPE cairn_inference_request_duration_seconds histogram
cairn_inference_request_duration_seconds_bucket{model="iris",version="1",le="0.001"} ${buckets[0]}
cairn_inference_request_duration_seconds_bucket{model="iris",version="1",le="0.01"} ${buckets[1]}
cairn_inference_request_duration_seconds_bucket{model="iris",version="1",le="0.1"} ${buckets[2]}
cairn_inference_request_duration_seconds_bucket{model="iris",version="1",le="+Inf"} ${buckets[3]}
cairn_inference_request_duration_seconds_sum{model="iris",version="1"} 0.5
cairn_inference_request_duration_seconds_count{model="iris",version="1"} ${buckets[3]}
cairn_inference_drift_psi{model="iris",version="1",feature="x"} 0.1
`;

describe('Prometheus text', () => {
  it('parses names, labels with escapes, special values; skips comments and junk', () => {
    const s = parsePrometheusText('# HELP x\nm{a="q\\"uo\\\\te",b="n\\nl"} 3 1700000000\nn +Inf\nbroken{a="x 1\n\no NaN\n');
    expect(s).toHaveLength(3);
    expect(s[0]).toEqual({ name: 'm', labels: { a: 'q"uo\\te', b: 'n\nl' }, value: 3 });
    expect(s[1].value).toBe(Infinity);
    expect(Number.isNaN(s[2].value)).toBe(true);
  });

  it('reduces a scrape to counters per deployment and version', () => {
    const snap = snapshotFromText(scrape(100, [10, 60, 95, 100], 5), 1000);
    const v1 = snap.models.get('iris')!.get('1')!;
    expect(v1.requests).toBe(100);
    expect(v1.errors).toBe(1);
    expect(v1.queueDepth).toBe(2);
    expect(v1.latency.map((b) => b.le)).toEqual([0.001, 0.01, 0.1, Infinity]);
    expect(v1.latencyCount).toBe(100);
    expect(combineVersions(snap.models.get('iris'))!.requests).toBe(105);
    expect(combineVersions(undefined)).toBeUndefined();
  });

  it('computes quantiles like histogram_quantile', () => {
    const b = [
      { le: 0.001, count: 10 },
      { le: 0.01, count: 60 },
      { le: 0.1, count: 95 },
      { le: Infinity, count: 100 },
    ];
    expect(histogramQuantile(0.5, b)).toBeCloseTo(0.001 + (0.009 * 40) / 50);
    expect(histogramQuantile(0.99, b)).toBe(0.1); // in +Inf: the largest finite bound
    expect(histogramQuantile(0.05, b)).toBeCloseTo(0.0005);
    expect(histogramQuantile(0.5, [{ le: Infinity, count: 0 }])).toBeNull();
    expect(histogramQuantile(0.5, [])).toBeNull();
  });

  it('gives rates and windowed latency between two scrapes, cumulative with one', () => {
    const a = snapshotFromText(scrape(100, [10, 60, 95, 100]), 0).models.get('iris')!.get('1')!;
    const b = snapshotFromText(scrape(120, [10, 60, 115, 120]), 2000).models.get('iris')!.get('1')!;
    const first = ratesBetween(undefined, a, 0);
    expect(first.requestsPerSecond).toBeNull();
    expect(first.windowed).toBe(false);
    expect(first.p50).toBeCloseTo(0.0068);
    const r = ratesBetween(a, b, 2);
    expect(r.requestsPerSecond).toBe(10);
    expect(r.errorsPerSecond).toBe(0);
    expect(r.windowed).toBe(true);
    expect(r.p50).toBeCloseTo(0.01 + 0.09 * 0.5); // all 20 new requests were in (0.01, 0.1]
    // Nothing new: rate 0, latency over everything.
    const idle = ratesBetween(b, b, 2);
    expect(idle.requestsPerSecond).toBe(0);
    expect(idle.windowed).toBe(false);
    // A restart (counter went down) counts from zero.
    expect(ratesBetween(b, a, 1).requestsPerSecond).toBe(100);
  });

  it('keeps a bounded history', () => {
    let h = appendHistory([], { t: 1, rps: 1, p50: 1, p99: 1 }, 2);
    h = appendHistory(h, { t: 2, rps: 2, p50: 1, p99: 1 }, 2);
    h = appendHistory(h, { t: 3, rps: 3, p50: 1, p99: 1 }, 2);
    expect(h.map((p) => p.t)).toEqual([2, 3]);
  });
});
