// One pipeline run: its facts, the run graph (or the task list) with live
// task states, polled while the run is active, and the task panel. View
// mode, open task, expanded groups, list filter and log stream live in the URL.
import { useCallback, useMemo } from 'react';
import { cancelPipelineRun, getPipelineRun } from '../api/pipelines';
import { Breadcrumbs, EmptyState, KeyValueTable } from '../components/common';
import { TimeFacts, TrackingRunFact } from '../components/Facts';
import { FirstLoad } from '../components/FirstLoad';
import { LiveHeader } from '../components/LiveHeader';
import { PipelineGraph } from '../components/PipelineGraph';
import { CountChips } from '../components/StateChips';
import { TaskList } from '../components/TaskList';
import { Segmented } from '../components/Segmented';
import { StopButton } from '../components/StopButton';
import { TaskPanel } from '../components/TaskPanel';
import { formatTime } from '../lib/format';
import { layoutGraph } from '../lib/graphLayout';
import { useAsync, usePolling } from '../lib/hooks';
import { buildTaskTree, buildViewGraph, childrenOf, effectiveExpanded, structureKey, taskRows } from '../lib/pipelineGraph';
import { pipelineRunDuration, runName } from '../lib/pipelineRuns';
import { specDependencies } from '../lib/pipelineSpec';
import { RUN_STATE_CLASS, STATE_STYLE, VISUAL_STATES, countStates, isActiveRun, totalCount } from '../lib/pipelineStates';
import { href, replaceHash, type PipelineRunView } from '../lib/urlState';

const POLL_MS = 1500;
// Above this many tasks the page opens in the list view (the graph is still
// one click away, with loops collapsed).
const LIST_BY_DEFAULT = 500;

function Legend() {
  return (
    <ul className="legend" aria-label="Task state colours">
      {VISUAL_STATES.map((s) => (
        <li key={s}>
          <span className={`dot dot-${s}`} aria-hidden="true" /> {STATE_STYLE[s].label}
        </li>
      ))}
    </ul>
  );
}

export default function PipelineRunPage({ runId, view }: { runId: string; view: PipelineRunView }) {
  const polled = usePolling(
    (signal) => getPipelineRun(runId, { tasks: true }, signal),
    [runId],
    (d) => isActiveRun(d.run.state),
    POLL_MS,
  );
  // The spec only gives the edges and never changes: read once, after the
  // run itself was found.
  const found = polled.data !== undefined;
  const spec = useAsync(
    (signal) => (found ? getPipelineRun(runId, { spec: true, tasks: false }, signal) : Promise.resolve(null)),
    [runId, found],
  );
  const deps = useMemo(() => specDependencies(spec.data?.run.spec), [spec.data]);

  const setView = useCallback(
    (patch: Partial<PipelineRunView>) => replaceHash(href.pipelineRun(runId, { ...view, ...patch })),
    [runId, view],
  );
  const tasks = polled.data?.tasks;
  const tree = useMemo(() => buildTaskTree(tasks ?? []), [tasks]);
  const expanded = useMemo(() => effectiveExpanded(tree, view.toggled), [tree, view.toggled]);
  const graph = useMemo(() => buildViewGraph(tree, deps, expanded), [tree, deps, expanded]);
  const key = structureKey(graph);
  // Laid out again only when boxes or edges change, not on every poll.
  const layout = useMemo(() => layoutGraph(graph), [key]);

  // Another task's logs start on stdout; clicking the open task closes it.
  const onOpen = useCallback(
    (taskId: string) => setView(taskId === view.task ? { task: '' } : { task: taskId, stream: 'stdout' }),
    [setView, view.task],
  );
  const onToggle = useCallback(
    (groupId: string) => {
      const toggled = view.toggled.includes(groupId) ? view.toggled.filter((t) => t !== groupId) : [...view.toggled, groupId];
      setView({ toggled });
    },
    [setView, view.toggled],
  );

  if (!polled.data) {
    return (
      <FirstLoad
        error={polled.error}
        retry={polled.reload}
        crumbs={[{ label: 'Pipelines', href: href.pipelines() }, { label: runId }]}
        errorTitle="Could not load this pipeline run"
        loading="Loading the pipeline run"
      />
    );
  }

  const run = polled.data.run;
  const active = isActiveRun(run.state);
  const counts = countStates(tasks ?? []);
  const mode = view.mode ?? ((tasks?.length ?? 0) > LIST_BY_DEFAULT ? 'list' : 'graph');
  const selected = view.task ? tree.byId.get(view.task) : undefined;
  const params = Object.entries(run.parameters ?? {}).map(([key, value]) => ({
    key,
    value: typeof value === 'string' ? value : JSON.stringify(value),
  }));

  return (
    <div className="page page-wide">
      <Breadcrumbs items={[{ label: 'Pipelines', href: href.pipelines() }, { label: runName(run) }]} />
      <LiveHeader
        title={runName(run)}
        state={run.state}
        badgeClass={RUN_STATE_CLASS[run.state]}
        stateTestId="pipeline-run-state"
        active={active}
        action={
          <StopButton
            label="Cancel run"
            question="Kill its running tasks?"
            confirmLabel="Yes, cancel the run"
            stoppingText="Cancelling…"
            stopping={run.state === 'CANCELLING' || !!run.cancel_requested}
            stop={() => cancelPipelineRun(run.run_id)}
            onDone={polled.reload}
          />
        }
        pollMs={POLL_MS}
        error={polled.error}
      />
      <dl className="facts">
        <div><dt>Pipeline</dt><dd>{run.pipeline_name}</dd></div>
        <div><dt>Source</dt><dd className="mono small">{run.source_name}</dd></div>
        <div><dt>Created</dt><dd>{formatTime(run.created_time)}</dd></div>
        <TimeFacts started={run.started_time} finished={run.finished_time} duration={pipelineRunDuration(run)} />
        <div>
          <dt>Tasks ({totalCount(counts)})</dt>
          <dd><CountChips counts={counts} /></dd>
        </div>
        <TrackingRunFact runId={run.mlflow_run_id} link="open the run" />
        <div><dt>Run id</dt><dd className="mono small">{run.run_id}</dd></div>
      </dl>
      {run.state === 'CANCELLED' ? (
        <p className="warning">Cancelled{run.error && run.error !== 'cancelled' ? `: ${run.error}` : ''}.</p>
      ) : (
        run.error && (
          <div className="state state-error compact" role="note">
            <strong>The run failed</strong>
            <p>{run.error}</p>
          </div>
        )
      )}
      {params.length > 0 && (
        <details>
          <summary>Parameters ({params.length})</summary>
          <KeyValueTable rows={params} empty="" label="Pipeline parameters" />
        </details>
      )}
      <div className="toolbar">
        <Segmented label="View" options={['graph', 'list'] as const} value={mode} onChange={(m) => setView({ mode: m })} text={(m) => (m === 'graph' ? 'Graph' : 'List')} />
        {mode === 'graph' && view.toggled.length > 0 && (
          <button type="button" className="link" onClick={() => setView({ toggled: [] })}>
            Reset groups
          </button>
        )}
        <span className="toolbar-sep" />
        <Legend />
      </div>
      {spec.error && mode === 'graph' && (
        <p className="warning small">The pipeline spec could not be read ({spec.error.message}): tasks are drawn without their dependencies.</p>
      )}
      <div className={selected ? 'prun-body with-panel' : 'prun-body'}>
        <div className="prun-main">
          {(tasks?.length ?? 0) === 0 ? (
            <EmptyState title={active ? 'No task has been scheduled yet' : 'This run has no tasks'}>
              {active ? 'The graph appears as soon as the scheduler creates the first task.' : run.error || null}
            </EmptyState>
          ) : mode === 'graph' ? (
            <PipelineGraph key={key} graph={graph} layout={layout} tree={tree} selected={view.task} onOpen={onOpen} onToggle={onToggle} />
          ) : (
            <TaskList rows={taskRows(tree, deps)} state={view.state} onState={(state) => setView({ state })} selected={view.task} onOpen={onOpen} />
          )}
        </div>
        {selected && (
          <TaskPanel
            runId={run.run_id}
            task={selected}
            childCount={childrenOf(tree, selected.node_id).length}
            stream={view.stream}
            onStream={(stream) => setView({ stream })}
            onClose={() => setView({ task: '' })}
          />
        )}
      </div>
      {view.task && !selected && <p className="warning small">This run has no task “{view.task}”.</p>}
    </div>
  );
}
