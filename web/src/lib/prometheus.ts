// Prometheus text (0.0.4) from cairn's /metrics, reduced to the numbers the
// serving pages show per deployment (label `model`) and version: request
// and error counts, queue depth and the request-latency histogram; and the
// rates and quantiles between two scrapes.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

// One `name{labels} value [timestamp]` line; comments and blank lines are
// skipped, as are lines that do not parse (a newer server's extras).
function parseLine(line: string): Sample | null {
  let i = 0;
  while (i < line.length && /[A-Za-z0-9_:]/.test(line[i])) i++;
  if (i === 0) return null;
  const name = line.slice(0, i);
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const eq = line.indexOf('=', i);
      if (eq < 0 || line[eq + 1] !== '"') return null;
      const key = line.slice(i, eq).trim();
      let value = '';
      let j = eq + 2;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length) {
          j++;
          value += line[j] === 'n' ? '\n' : line[j];
        } else value += line[j];
      }
      if (j >= line.length) return null; // unterminated value
      labels[key] = value;
      i = j + 1;
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  if (!rest[0]) return null;
  const value = rest[0] === '+Inf' ? Infinity : rest[0] === '-Inf' ? -Infinity : Number(rest[0]);
  if (Number.isNaN(value) && rest[0] !== 'NaN') return null;
  return { name, labels, value };
}

export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const s = parseLine(line);
    if (s) out.push(s);
  }
  return out;
}

export interface Bucket {
  le: number; // upper bound in seconds (Infinity for +Inf)
  count: number; // cumulative
}

export interface ModelCounters {
  requests: number;
  errors: number;
  queueDepth: number;
  latency: Bucket[]; // request duration, sorted by le
  latencyCount: number;
  latencySum: number;
}

export interface MetricsSnapshot {
  at: number; // ms
  // deployment name -> version -> counters
  models: Map<string, Map<string, ModelCounters>>;
}

const P = 'cairn_inference_';

function empty(): ModelCounters {
  return { requests: 0, errors: 0, queueDepth: 0, latency: [], latencyCount: 0, latencySum: 0 };
}

export function snapshotFromText(text: string, at: number): MetricsSnapshot {
  const models = new Map<string, Map<string, ModelCounters>>();
  for (const s of parsePrometheusText(text)) {
    if (!s.name.startsWith(P)) continue;
    const model = s.labels.model;
    if (model === undefined) continue;
    const version = s.labels.version ?? '';
    let versions = models.get(model);
    if (!versions) models.set(model, (versions = new Map()));
    let c = versions.get(version);
    if (!c) versions.set(version, (c = empty()));
    switch (s.name) {
      case `${P}requests_total`:
        c.requests = s.value;
        break;
      case `${P}errors_total`:
        c.errors = s.value;
        break;
      case `${P}queue_depth`:
        c.queueDepth = s.value;
        break;
      case `${P}request_duration_seconds_bucket`: {
        const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
        if (!Number.isNaN(le)) c.latency.push({ le, count: s.value });
        break;
      }
      case `${P}request_duration_seconds_count`:
        c.latencyCount = s.value;
        break;
      case `${P}request_duration_seconds_sum`:
        c.latencySum = s.value;
        break;
    }
  }
  for (const versions of models.values()) for (const c of versions.values()) c.latency.sort((a, b) => a.le - b.le);
  return { at, models };
}

// All versions of a deployment together (primary + canary): counters and
// buckets add up (the versions share bucket bounds).
export function combineVersions(versions: Map<string, ModelCounters> | undefined): ModelCounters | undefined {
  if (!versions || versions.size === 0) return undefined;
  const out = empty();
  const buckets = new Map<number, number>();
  for (const c of versions.values()) {
    out.requests += c.requests;
    out.errors += c.errors;
    out.queueDepth += c.queueDepth;
    out.latencyCount += c.latencyCount;
    out.latencySum += c.latencySum;
    for (const b of c.latency) buckets.set(b.le, (buckets.get(b.le) ?? 0) + b.count);
  }
  out.latency = [...buckets].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  return out;
}

// Prometheus' histogram_quantile: linear interpolation inside the bucket
// holding the q-th observation; the +Inf bucket answers the largest finite
// bound. null without observations.
export function histogramQuantile(q: number, buckets: Bucket[]): number | null {
  if (buckets.length === 0) return null;
  const total = buckets[buckets.length - 1].count;
  if (!(total > 0)) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return prevLe;
      const inBucket = b.count - prevCount;
      if (inBucket <= 0) return b.le;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = Number.isFinite(b.le) ? b.le : prevLe;
    prevCount = b.count;
  }
  return prevLe;
}

export interface ModelRates {
  requestsPerSecond: number | null; // null: only one scrape so far
  errorsPerSecond: number | null;
  // Over the interval when requests arrived in it, else over everything
  // since the server started (`windowed` says which).
  p50: number | null; // seconds
  p99: number | null;
  windowed: boolean;
  requests: number;
  errors: number;
  queueDepth: number;
}

// A counter that went down means the deployment restarted: count from 0.
function delta(cur: number, prev: number): number {
  return cur >= prev ? cur - prev : cur;
}

export function ratesBetween(prev: ModelCounters | undefined, cur: ModelCounters, seconds: number): ModelRates {
  const base = { requests: cur.requests, errors: cur.errors, queueDepth: cur.queueDepth };
  if (!prev || !(seconds > 0)) {
    return {
      ...base,
      requestsPerSecond: null,
      errorsPerSecond: null,
      p50: histogramQuantile(0.5, cur.latency),
      p99: histogramQuantile(0.99, cur.latency),
      windowed: false,
    };
  }
  const reset = cur.requests < prev.requests;
  const window = cur.latency.map((b) => {
    const before = reset ? 0 : (prev.latency.find((p) => p.le === b.le)?.count ?? 0);
    return { le: b.le, count: Math.max(0, b.count - before) };
  });
  const recent = window.length > 0 && window[window.length - 1].count > 0;
  const buckets = recent ? window : cur.latency;
  return {
    ...base,
    requestsPerSecond: delta(cur.requests, prev.requests) / seconds,
    errorsPerSecond: delta(cur.errors, prev.errors) / seconds,
    p50: histogramQuantile(0.5, buckets),
    p99: histogramQuantile(0.99, buckets),
    windowed: recent,
  };
}

export interface HistoryPoint {
  t: number; // seconds (unix)
  rps: number | null;
  p50: number | null; // ms
  p99: number | null; // ms
}

// Appends one point and keeps the newest `max` (the page keeps a short
// in-memory history; nothing is stored on the server).
export function appendHistory(history: HistoryPoint[], point: HistoryPoint, max: number): HistoryPoint[] {
  const next = [...history, point];
  return next.length > max ? next.slice(next.length - max) : next;
}
