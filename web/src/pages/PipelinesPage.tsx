// Pipeline runs, newest first: state filter (server-side), name filter and
// sort (over the runs loaded so far: runs/list has neither), task counts per
// run, refreshed while any shown run is active. Everything is in the URL.
import { useMemo } from 'react';
import { RUN_STATES, getPipelineRun, listPipelineRuns, type PipelineRun } from '../api/pipelines';
import { AsyncView } from '../components/AsyncView';
import { Breadcrumbs, EmptyState } from '../components/common';
import { LoadMore } from '../components/LoadMore';
import { SortHeader } from '../components/SortHeader';
import { CountChips } from '../components/StateChips';
import { StateSelect } from '../components/StateSelect';
import { formatDuration, formatTime } from '../lib/format';
import { useSearchBox } from '../lib/hooks';
import { usePagedList } from '../lib/usePagedList';
import { pipelineRunDuration, runName, visibleRuns } from '../lib/pipelineRuns';
import { RUN_STATE_CLASS, countStates, isActiveRun, type StateCounts } from '../lib/pipelineStates';
import { href, replaceHash, type PipelineRunsView, type PipelineSortKey } from '../lib/urlState';
import { useRowDetails } from '../lib/useRowDetails';

const POLL_MS = 3000;
const PAGE = 100;

const COLUMNS: { key: PipelineSortKey | null; label: string; num?: boolean }[] = [
  { key: 'name', label: 'Run' },
  { key: 'state', label: 'State' },
  { key: null, label: 'Pipeline' },
  { key: 'created', label: 'Started' },
  { key: null, label: 'Finished' },
  { key: 'duration', label: 'Duration', num: true },
  { key: null, label: 'Tasks' },
  { key: null, label: 'Tracking run' },
];

// runs/list carries no task counts: one runs/get per shown run, again only
// for runs that changed since (finished runs never do).
function useTaskCounts(runs: PipelineRun[]): Map<string, StateCounts> {
  return useRowDetails(
    runs,
    (r) => r.run_id,
    (r) => `${r.state}:${r.finished_time ?? 0}:${isActiveRun(r.state) ? Date.now() : ''}`,
    async (r, signal) => countStates((await getPipelineRun(r.run_id, { tasks: true }, signal)).tasks),
  );
}

export default function PipelinesPage({ view }: { view: PipelineRunsView }) {
  const [text, setText] = useSearchBox(view.search, (search) => replaceHash(href.pipelines({ ...view, search })));

  const list = usePagedList(
    async (pageToken, signal) => {
      const page = await listPipelineRuns({ state: view.state, pageToken, maxResults: PAGE }, signal);
      return { items: page.runs, next: page.next_page_token };
    },
    [view.state],
    (r) => r.run_id,
    (r) => isActiveRun(r.state),
    POLL_MS,
  );
  const { first, loaded, token } = list;
  const shown = useMemo(() => visibleRuns(loaded, view), [loaded, view]);
  const counts = useTaskCounts(loaded);

  const sortBy = (key: PipelineSortKey) => {
    const dir = view.sort.key === key ? (view.sort.dir === 'asc' ? 'desc' : 'asc') : key === 'name' ? 'asc' : 'desc';
    replaceHash(href.pipelines({ ...view, sort: { key, dir } }));
  };

  return (
    <div className="page">
      <Breadcrumbs items={[{ label: 'Pipelines' }]} />
      <h1>Pipeline runs</h1>
      <div className="toolbar">
        <input
          type="search"
          className="grow-input"
          placeholder="Filter by run or pipeline name"
          aria-label="Filter pipeline runs by name"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <StateSelect label="Run state" states={RUN_STATES} value={view.state} onChange={(state) => replaceHash(href.pipelines({ ...view, state }))} />
        <button type="button" onClick={first.reload}>
          Refresh
        </button>
      </div>
      <AsyncView
        state={first}
        errorTitle="Could not load pipeline runs"
        loading="Loading pipeline runs"
        isEmpty={() => loaded.length === 0}
        empty={
          view.state ? (
            <EmptyState title={`No pipeline run is ${view.state.toLowerCase()}`}>
              <a href={href.pipelines({ ...view, state: '' })}>Show runs in any state</a>.
            </EmptyState>
          ) : (
            <EmptyState title="No pipeline runs yet">
              Submit one with <code>cairn pipelines run pipeline.yaml</code> (a KFP v2 compiled pipeline or a cairn pipeline
              YAML), or <code>POST api/2.0/cairn/pipelines/runs/submit</code>.
            </EmptyState>
          )
        }
      >
        {() => (
          <>
            <p className="muted small status-line" data-testid="pipeline-runs-status" aria-live="polite">
              {shown.length === loaded.length
                ? `${loaded.length} run${loaded.length === 1 ? '' : 's'}`
                : `${shown.length} of ${loaded.length} loaded runs match`}
              {token ? ' (more on the server: name filter and sort apply to the loaded runs)' : ''}
              {first.error ? ` · last refresh failed: ${first.error.message}` : ''}
            </p>
            {shown.length === 0 ? (
              <EmptyState title={`No loaded run matches “${view.search}”`}>Try another part of the name.</EmptyState>
            ) : (
              <table className="list" data-testid="pipeline-runs-table">
                <thead>
                  <tr>
                    {COLUMNS.map((c) => (
                      <SortHeader key={c.label} label={c.label} col={c.key} sort={view.sort} onSort={sortBy} num={c.num} />
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {shown.map((r) => (
                    <tr key={r.run_id} data-run-id={r.run_id}>
                      <td className="nowrap">
                        <a href={href.pipelineRun(r.run_id)}>{runName(r)}</a>
                        <div className="mono muted small">{r.run_id.slice(0, 12)}</div>
                      </td>
                      <td>
                        <span className={`badge badge-${RUN_STATE_CLASS[r.state]}`}>{r.state}</span>
                      </td>
                      <td className="nowrap">{r.pipeline_name}</td>
                      <td className="nowrap">{formatTime(r.started_time || r.created_time)}</td>
                      <td className="nowrap">{formatTime(r.finished_time)}</td>
                      <td className="num">{formatDuration(pipelineRunDuration(r))}</td>
                      <td>{counts.has(r.run_id) ? <CountChips counts={counts.get(r.run_id)} /> : <span className="muted">…</span>}</td>
                      <td>{r.mlflow_run_id ? <a href={href.runById(r.mlflow_run_id)}>run</a> : <span className="muted">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <LoadMore token={token} error={list.moreError} onLoad={list.loadMore} label="Load more runs" />
          </>
        )}
      </AsyncView>
    </div>
  );
}
