// Tuning experiments, newest first: state filter (server-side, in the URL),
// trials done / max per experiment, best objective, the tracking run.
// Refreshed while any shown experiment is active.
import { EXPERIMENT_STATES, getTuningExperiment, listTuningExperiments, type TrialState, type TuningExperiment } from '../api/tuning';
import { AsyncView } from '../components/AsyncView';
import { Breadcrumbs, EmptyState } from '../components/common';
import { LoadMore } from '../components/LoadMore';
import { StateSelect } from '../components/StateSelect';
import { formatNumber, formatTime } from '../lib/format';
import { EXPERIMENT_STATE_CLASS, isActiveExperiment, trialsProgress } from '../lib/tuning';
import { href, replaceHash, type TuningListView } from '../lib/urlState';
import { usePagedList } from '../lib/usePagedList';
import { useRowDetails } from '../lib/useRowDetails';

const POLL_MS = 3000;
const PAGE = 100;

// experiments/list carries no trial counts: one experiments/get (without
// the trials) per shown experiment, again only while it is active.
function useTrialCounts(experiments: TuningExperiment[]): Map<string, Partial<Record<TrialState, number>>> {
  return useRowDetails(
    experiments,
    (e) => e.experiment_id,
    (e) => `${e.state}:${e.finished_ms ?? 0}:${isActiveExperiment(e) ? Date.now() : ''}`,
    async (e, signal) => (await getTuningExperiment(e.experiment_id, signal, { trials: false })).trial_counts,
  );
}

export default function TuningPage({ view }: { view: TuningListView }) {
  const list = usePagedList(
    async (pageToken, signal) => {
      const page = await listTuningExperiments({ state: view.state, pageToken, maxResults: PAGE }, signal);
      return { items: page.experiments, next: page.next_page_token };
    },
    [view.state],
    (e) => e.experiment_id,
    isActiveExperiment,
    POLL_MS,
  );
  const { first, loaded } = list;
  const counts = useTrialCounts(loaded);

  return (
    <div className="page">
      <Breadcrumbs items={[{ label: 'Tuning' }]} />
      <h1>Tuning experiments</h1>
      <div className="toolbar">
        <StateSelect label="Experiment state" states={EXPERIMENT_STATES} value={view.state} onChange={(state) => replaceHash(href.tuning({ state }))} />
        <button type="button" onClick={first.reload}>
          Refresh
        </button>
      </div>
      <AsyncView
        state={first}
        errorTitle="Could not load tuning experiments"
        loading="Loading tuning experiments"
        isEmpty={() => loaded.length === 0}
        empty={
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
        }
      >
        {() => (
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
            <LoadMore token={list.token} error={list.moreError} onLoad={list.loadMore} label="Load more experiments" />
          </>
        )}
      </AsyncView>
    </div>
  );
}
