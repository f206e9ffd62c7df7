// Scrapes /metrics every `intervalMs` while a serving page is open and
// turns consecutive scrapes into per-deployment rates, latency quantiles
// and a short history. The history lives in this module, so going from the
// list to a deployment and back keeps it (it is lost on reload: nothing is
// stored on the server).
import { useEffect, useState } from 'react';
import { fetchMetricsText } from '../api/serving';
import {
  appendHistory,
  combineVersions,
  ratesBetween,
  snapshotFromText,
  type HistoryPoint,
  type MetricsSnapshot,
  type ModelRates,
} from './prometheus';

export const HISTORY_POINTS = 150; // 5 minutes at 2 s

let last: MetricsSnapshot | null = null;
const histories = new Map<string, HistoryPoint[]>();

export interface ServingMetrics {
  rates: Map<string, ModelRates>; // deployment -> all versions together
  versionRates: Map<string, Map<string, ModelRates>>; // deployment -> version -> rates
  history: (deployment: string) => HistoryPoint[];
  error?: Error;
  scraped: boolean;
}

function ms(seconds: number | null): number | null {
  return seconds === null ? null : seconds * 1000;
}

function digest(cur: MetricsSnapshot, prev: MetricsSnapshot | null) {
  const seconds = prev ? (cur.at - prev.at) / 1000 : 0;
  const rates = new Map<string, ModelRates>();
  const versionRates = new Map<string, Map<string, ModelRates>>();
  for (const [model, versions] of cur.models) {
    const before = prev?.models.get(model);
    rates.set(model, ratesBetween(combineVersions(before), combineVersions(versions)!, seconds));
    const perVersion = new Map<string, ModelRates>();
    for (const [version, c] of versions) perVersion.set(version, ratesBetween(before?.get(version), c, seconds));
    versionRates.set(model, perVersion);
  }
  return { rates, versionRates };
}

export function useServingMetrics(intervalMs = 2000): ServingMetrics {
  const [state, setState] = useState<Omit<ServingMetrics, 'history'>>(() => ({
    ...(last ? digest(last, null) : { rates: new Map(), versionRates: new Map() }),
    scraped: last !== null,
  }));
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const text = await fetchMetricsText(controller.signal);
        const cur = snapshotFromText(text, Date.now());
        // A scrape older than a few intervals gives no useful rate.
        const prev = last && cur.at - last.at < intervalMs * 5 ? last : null;
        const d = digest(cur, prev);
        if (prev) {
          for (const [model, r] of d.rates) {
            const point = { t: cur.at / 1000, rps: r.requestsPerSecond, p50: ms(r.p50), p99: ms(r.p99) };
            histories.set(model, appendHistory(histories.get(model) ?? [], point, HISTORY_POINTS));
          }
        }
        last = cur;
        if (!controller.signal.aborted) setState({ ...d, scraped: true });
      } catch (e) {
        if ((e as Error).name === 'AbortError') return;
        setState((s) => ({ ...s, error: e as Error, scraped: true }));
      }
      if (!controller.signal.aborted) timer = setTimeout(tick, intervalMs);
    };
    // Another serving page may have scraped a moment ago: wait for a full
    // interval since, so every rate and history point covers one.
    const since = last ? Date.now() - last.at : Infinity;
    if (since >= intervalMs) void tick();
    else timer = setTimeout(tick, intervalMs - since);
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [intervalMs]);
  return { ...state, history: (name) => histories.get(name) ?? [] };
}
