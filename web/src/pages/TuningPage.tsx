// Tuning experiments, newest first: state filter (server-side, in the URL),
// trials done / max per experiment, best objective, the tracking run.
// Refreshed while any shown experiment is active.
import { useEffect, useMemo, useRef, useState } from 'react';
import { EXPERIMENT_STATES, getTuningExperiment, listTuningExperiments, type TrialState, type TuningExperiment } from '../api/tuning';
import { Breadcrumbs, EmptyState, ErrorState, Loading } from '../components/common';
import { formatNumber, formatTime } from '../lib/format';
import { usePolling } from '../lib/hooks';
import { pool } from '../lib/pool';
import { EXPERIMENT_STATE_CLASS, isActiveExperiment, trialsProgress } from '../lib/tuning';
import { href, replaceHash, type TuningListView } from '../lib/urlState';

const POLL_MS = 3000;
const PAGE = 100;

// experiments/list carries no trial counts: one experiments/get (without
// the trials) per shown experiment, again only while it is active.
function useTrialCounts(experiments: TuningExperiment[]): Map<string, Partial<Record<TrialState, number>>> {
  const [counts, setCounts] = useState(new Map<string, Partial<Record<TrialState, number>>>());
  const seen = useRef(new Map<string, string>());
  useEffect(() => {
    const controller = new AbortController();
    const stamp = (e: TuningExperiment) => `${e.state}:${e.finished_ms ?? 0}:${isActiveExperiment(e) ? Date.now() : ''}`;
    const todo = experiments.filter((e) => seen.current.get(e.experiment_id) !== stamp(e));
    void pool(todo, 4, async (e) => {
      try {
        const d = await getTuningExperiment(e.experiment_id, controller.signal, { trials: false });
        if (controller.signal.aborted) return;
        seen.current.set(e.experiment_id, stamp(e));
        setCounts((m) => new Map(m).set(e.experiment_id, d.trial_counts));
      } catch {
        // The row shows no count; the experiment page has the details.
      }
    });
    return () => controller.abort();
  }, [experiments]);
  return counts;
}

export default function TuningPage({ view }: { view: TuningListView }) {
  const [extra, setExtra] = useState<{ experiments: TuningExperiment[]; token?: string }>({ experiments: [] });
  useEffect(() => setExtra({ experiments: [] }), [view.state]);
  const first = usePolling(
    (signal) => listTuningExperiments({ state: view.state, maxResults: PAGE }, signal),
    [view.state],
    (page) => page.experiments.some(isActiveExperiment),
    POLL_MS,
  );
  const [moreError, setMoreError] = useState<Error>();
  const token = extra.token ?? first.data?.next_page_token;
  const loaded = useMemo(() => {
    const firstPage = first.data?.experiments ?? [];
    const ids = new Set(firstPage.map((e) => e.experiment_id));
    return [...firstPage, ...extra.experiments.filter((e) => !ids.has(e.experiment_id))];
  }, [first.data, extra.experiments]);
  const counts = useTrialCounts(loaded);
  const loadMore = async () => {
    try {
      const page = await listTuningExperiments({ state: view.state, pageToken: token, maxResults: PAGE });
      setExtra((e) => ({ experiments: [...e.experiments, ...page.experiments], token: page.next_page_token ?? '' }));
    } catch (e) {
      setMoreError(e as Error);
    }
  };

  return (
    <div className="page">
      <Breadcrumbs items={[{ label: 'Tuning' }]} />
      <h1>Tuning experiments</h1>
      <div className="toolbar">
        <label>
          State{' '}
          <select aria-label="Experiment state" value={view.state} onChange={(e) => replaceHash(href.tuning({ state: e.target.value }))}>
            <option value="">any</option>
            {EXPERIMENT_STATES.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={first.reload}>
          Refresh
        </button>
      </div>
      {first.error && !first.data ? (
        <ErrorState error={first.error} retry={first.reload} title="Could not load tuning experiments" />
      ) : !first.data ? (
        <Loading what="Loading tuning experiments" />
      ) : loaded.length === 0 ? (
        view.state ? (
          <EmptyState title={`No tuning experiment is ${view.state.toLowerCase()}`}>
            <a href={href.tuning()}>Show experiments in any state</a>.
          </EmptyState>
        ) : (
          <EmptyState title="No tuning experiments yet">
            Start one with <code>cairn tune experiment.yaml</code> (a Katib <code>Experiment</code> or cairn's short form,
            docs/tuning.md), or <code>POST api/2.0/cairn/tuning/experiments/submit</code>.
          </EmptyState>
        )
      ) : (
        <>
          <p className="muted small status-line" data-testid="tuning-status" aria-live="polite">
            {loaded.length} experiment{loaded.length === 1 ? '' : 's'}
            {first.error ? ` · last refresh failed: ${first.error.message}` : ''}
          </p>
          <table className="list" data-testid="tuning-table">
            <thead>
              <tr>
                <th>Experiment</th>
                <th>Algorithm</th>
                <th>State</th>
                <th className="num">Trials</th>
                <th>Objective</th>
                <th className="num">Best</th>
                <th>Created</th>
                <th>Tracking run</th>
              </tr>
            </thead>
            <tbody>
              {loaded.map((e) => (
                <tr key={e.experiment_id} data-experiment-id={e.experiment_id}>
                  <td className="nowrap">
                    <a href={href.tuningExperiment(e.experiment_id)}>{e.name}</a>
                    <div className="mono muted small">{e.experiment_id.slice(0, 12)}</div>
                  </td>
                  <td>{e.algorithm}</td>
                  <td>
                    <span className={`badge badge-${EXPERIMENT_STATE_CLASS[e.state] ?? 'none'}`}>{e.state}</span>
                    {e.reason && <div className="muted small">{e.reason}</div>}
                  </td>
                  <td className="num nowrap" data-testid="trials-progress">
                    {counts.has(e.experiment_id) ? trialsProgress(e, counts.get(e.experiment_id)!) : <span className="muted">…</span>}
                  </td>
                  <td className="nowrap">
                    {e.objective_metric} <span className="muted small">({e.objective_type})</span>
                  </td>
                  <td className="num">{typeof e.best_objective === 'number' ? formatNumber(e.best_objective) : <span className="muted">—</span>}</td>
                  <td className="nowrap">{formatTime(e.created_ms)}</td>
                  <td>{e.mlflow_run_id ? <a href={href.runById(e.mlflow_run_id)}>run</a> : <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {moreError && <ErrorState error={moreError} />}
          {token ? (
            <button type="button" onClick={loadMore}>
              Load more experiments
            </button>
          ) : null}
        </>
      )}
    </div>
  );
}
