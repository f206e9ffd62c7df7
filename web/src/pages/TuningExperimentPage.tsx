// One tuning experiment: its facts, the best-so-far chart, parameter
// importance, the trials table (state filter and sort in the URL) and a
// trial's side panel with its logs. Polled while the experiment is active;
// a running one can be stopped.
import { useCallback, useMemo } from 'react';
import { TRIAL_STATES, getTuningExperiment, stopTuningExperiment, type Trial } from '../api/tuning';
import { BestSoFarChart } from '../components/BestSoFarChart';
import { Breadcrumbs, EmptyState } from '../components/common';
import { TrackingRunFact } from '../components/Facts';
import { ImportanceBars } from '../components/ImportanceBars';
import { FirstLoad } from '../components/FirstLoad';
import { LiveHeader } from '../components/LiveHeader';
import { SortHeader } from '../components/SortHeader';
import { StateSelect } from '../components/StateSelect';
import { StopButton } from '../components/StopButton';
import { TrialPanel } from '../components/TrialPanel';
import { formatDuration, formatNumber, formatTime } from '../lib/format';
import { usePolling } from '../lib/hooks';
import {
  EXPERIMENT_STATE_CLASS,
  TRIAL_STATE_CLASS,
  firstSortDir,
  hasObjective,
  isActiveExperiment,
  parameterNames,
  parameterValue,
  trialDuration,
  trialsProgress,
  visibleTrials,
} from '../lib/tuning';
import { href, replaceHash, type TrialSortKey, type TuningExperimentView } from '../lib/urlState';

const POLL_MS = 1500;
const trialStateWords = (s: string) => s.toLowerCase().replace('_', ' ');

interface Column {
  key: TrialSortKey;
  label: string;
  num?: boolean;
}

function TrialsTable({
  trials,
  params,
  objective,
  bestName,
  view,
  setView,
  sortBy,
}: {
  trials: Trial[];
  params: string[];
  objective: string;
  bestName?: string;
  view: TuningExperimentView;
  setView: (patch: Partial<TuningExperimentView>) => void;
  sortBy: (key: TrialSortKey) => void;
}) {
  const columns: Column[] = [
    { key: 'name', label: 'Trial' },
    { key: 'state', label: 'State' },
    ...params.map((p) => ({ key: `param:${p}` as TrialSortKey, label: p, num: true })),
    { key: 'objective', label: objective, num: true },
    { key: 'duration', label: 'Duration', num: true },
  ];
  return (
    <table className="list trials" data-testid="trials-table">
      <thead>
        <tr>
          {columns.map((c) => (
            <SortHeader key={c.key} label={c.label} col={c.key} sort={view.sort} onSort={sortBy} num={c.num} />
          ))}
          <th>Tracking run</th>
        </tr>
      </thead>
      <tbody>
        {trials.map((t) => (
          <tr key={t.name} data-trial={t.name} className={t.name === view.trial ? 'selected' : undefined}>
            <td className="nowrap">
              <button
                type="button"
                className="link"
                aria-pressed={t.name === view.trial}
                onClick={() => setView(t.name === view.trial ? { trial: '' } : { trial: t.name, stream: 'stdout' })}
              >
                {t.name}
              </button>
              {t.name === bestName && <span className="badge badge-ok" title="best trial"> best</span>}
            </td>
            <td>
              <span className={`badge badge-${TRIAL_STATE_CLASS[t.state] ?? 'none'}`} title={t.message || t.reason}>
                {t.state}
              </span>
            </td>
            {params.map((p) => (
              <td key={p} className="num mono">{parameterValue(t, p) ?? ''}</td>
            ))}
            <td className="num">{hasObjective(t) ? formatNumber(t.objective) : <span className="muted">—</span>}</td>
            <td className="num">{formatDuration(trialDuration(t))}</td>
            <td>{t.mlflow_run_id ? <a href={href.runById(t.mlflow_run_id)}>run</a> : <span className="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function TuningExperimentPage({ experimentId, view }: { experimentId: string; view: TuningExperimentView }) {
  const polled = usePolling(
    (signal) => getTuningExperiment(experimentId, signal),
    [experimentId],
    (d) => isActiveExperiment(d.experiment),
    POLL_MS,
  );
  const setView = useCallback(
    (patch: Partial<TuningExperimentView>) => replaceHash(href.tuningExperiment(experimentId, { ...view, ...patch })),
    [experimentId, view],
  );
  const trials = polled.data?.trials;
  const params = useMemo(() => parameterNames(trials ?? []), [trials]);
  const shown = useMemo(() => visibleTrials(trials ?? [], view), [trials, view]);

  if (!polled.data) {
    return (
      <FirstLoad
        error={polled.error}
        retry={polled.reload}
        crumbs={[{ label: 'Tuning', href: href.tuning() }, { label: experimentId }]}
        errorTitle="Could not load this tuning experiment"
        loading="Loading the tuning experiment"
      />
    );
  }

  const { experiment: e, trial_counts: counts, parameter_importance: importance } = polled.data;
  const active = isActiveExperiment(e);
  const all = trials ?? [];
  const selected = view.trial ? all.find((t) => t.name === view.trial) : undefined;
  const sortBy = (key: TrialSortKey) => {
    const dir = view.sort.key === key ? (view.sort.dir === 'asc' ? 'desc' : 'asc') : firstSortDir(key, e.objective_type);
    setView({ sort: { key, dir } });
  };

  return (
    <div className="page page-wide">
      <Breadcrumbs items={[{ label: 'Tuning', href: href.tuning() }, { label: e.name }]} />
      <LiveHeader
        title={e.name}
        state={e.state}
        badgeClass={EXPERIMENT_STATE_CLASS[e.state] ?? 'none'}
        stateTestId="tuning-state"
        active={active}
        action={
          <StopButton
            label="Stop experiment"
            question="Kill its running trials?"
            confirmLabel="Yes, stop it"
            stoppingText="Stopping…"
            stopping={!!e.stop_requested}
            stop={() => stopTuningExperiment(e.experiment_id)}
            onDone={polled.reload}
          />
        }
        pollMs={POLL_MS}
        error={polled.error}
      />
      {(e.reason || e.message) && (
        <p className={e.state === 'FAILED' ? 'warning' : 'muted'} data-testid="tuning-reason">
          {e.reason}
          {e.message ? ` — ${e.message}` : ''}
        </p>
      )}
      <dl className="facts">
        <div><dt>Objective</dt><dd>{e.objective_type} <span className="mono">{e.objective_metric}</span></dd></div>
        <div><dt>Algorithm</dt><dd>{e.algorithm}</dd></div>
        <div><dt>Trials done</dt><dd data-testid="trials-done">{trialsProgress(e, counts)}</dd></div>
        {e.parallel_trial_count !== undefined && <div><dt>Parallel</dt><dd>{e.parallel_trial_count}</dd></div>}
        <div>
          <dt>Best</dt>
          <dd data-testid="best-objective">
            {typeof e.best_objective === 'number' ? formatNumber(e.best_objective) : '—'}
            {e.best_trial_name && (
              <>
                {' '}
                <button type="button" className="link" onClick={() => setView({ trial: e.best_trial_name!, stream: 'stdout' })}>
                  {e.best_trial_name}
                </button>
              </>
            )}
          </dd>
        </div>
        <div><dt>Created</dt><dd>{formatTime(e.created_ms)}</dd></div>
        <div><dt>Finished</dt><dd>{formatTime(e.finished_ms) || '—'}</dd></div>
        <div>
          <dt>Duration</dt>
          <dd>{e.started_ms ? formatDuration((e.finished_ms || Date.now()) - e.started_ms) : '—'}</dd>
        </div>
        <TrackingRunFact runId={e.mlflow_run_id} link="open the run" />
        {e.source_name && <div><dt>Source</dt><dd className="mono small">{e.source_name}</dd></div>}
        <div><dt>Id</dt><dd className="mono small">{e.experiment_id}</dd></div>
      </dl>
      <div className="two-col">
        <section className="chart-card" aria-label="Best so far">
          <h3 className="chart-title">
            {e.objective_metric} per trial · best so far ({e.objective_type})
          </h3>
          <BestSoFarChart
            trials={all}
            objective={e.objective_metric}
            type={e.objective_type}
            onOpen={(trial) => setView({ trial, stream: 'stdout' })}
          />
        </section>
        <section className="chart-card" aria-label="Parameter importance">
          <h3 className="chart-title">Parameter importance</h3>
          <ImportanceBars importance={importance} />
          <p className="muted small">Share of the objective's variance each parameter explains (main effects only).</p>
        </section>
      </div>
      <div className="toolbar">
        <h2 className="fill">Trials</h2>
        <StateSelect label="Show trials in state" states={TRIAL_STATES} value={view.state} onChange={(state) => setView({ state })} format={trialStateWords} />
      </div>
      <p className="muted small status-line" data-testid="trials-status">
        {shown.length === all.length ? `${all.length} trial${all.length === 1 ? '' : 's'}` : `${shown.length} of ${all.length} trials`}
      </p>
      <div className={selected ? 'prun-body with-panel' : 'prun-body'}>
        <div className="prun-main">
          {all.length === 0 ? (
            <EmptyState title={active ? 'No trial has started yet' : 'This experiment has no trials'}>
              {active ? 'Trials appear here as the controller launches them.' : e.message || null}
            </EmptyState>
          ) : shown.length === 0 ? (
            <EmptyState title={`No trial is ${trialStateWords(view.state)}`}>
              <button type="button" className="link" onClick={() => setView({ state: '' })}>
                Show trials in any state
              </button>
            </EmptyState>
          ) : (
            <div className="table-scroll">
              <TrialsTable trials={shown} params={params} objective={e.objective_metric} bestName={e.best_trial_name} view={view} setView={setView} sortBy={sortBy} />
            </div>
          )}
        </div>
        {selected && (
          <TrialPanel
            experimentId={e.experiment_id}
            trial={selected}
            objective={e.objective_metric}
            best={selected.name === e.best_trial_name}
            stream={view.stream}
            onStream={(stream) => setView({ stream })}
            onClose={() => setView({ trial: '' })}
          />
        )}
      </div>
      {view.trial && !selected && <p className="warning small">This experiment has no trial “{view.trial}”.</p>}
    </div>
  );
}
