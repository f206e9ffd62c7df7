// Pipeline runs, newest first: state filter (server-side), name filter and
// sort (over the runs loaded so far: runs/list has neither), task counts per
// run, refreshed while any shown run is active. Everything is in the URL.
import { useEffect, useMemo, useRef, useState } from 'react';
import { RUN_STATES, getPipelineRun, listPipelineRuns, type PipelineRun } from '../api/pipelines';
import { pool } from '../lib/pool';
import { Breadcrumbs, EmptyState, ErrorState, Loading } from '../components/common';
import { CountChips } from '../components/StateChips';
import { formatDuration, formatTime } from '../lib/format';
import { usePolling, useSearchBox } from '../lib/hooks';
import { pipelineRunDuration, runName, visibleRuns } from '../lib/pipelineRuns';
import { RUN_STATE_CLASS, countStates, isActiveRun, type StateCounts } from '../lib/pipelineStates';
import { href, replaceHash, type PipelineRunsView, type PipelineSortKey } from '../lib/urlState';

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

// runs/list carries no task counts: one runs/get per shown run, a few at a
// time, again only for runs that changed since (finished runs never do).
function useTaskCounts(runs: PipelineRun[]): Map<string, StateCounts> {
  const [counts, setCounts] = useState(new Map<string, StateCounts>());
  const seen = useRef(new Map<string, string>()); // run id -> state + finish time counted
  useEffect(() => {
    const controller = new AbortController();
    const stamp = (r: PipelineRun) => `${r.state}:${r.finished_time ?? 0}:${isActiveRun(r.state) ? Date.now() : ''}`;
    const todo = runs.filter((r) => seen.current.get(r.run_id) !== stamp(r));
    void pool(todo, 4, async (r) => {
      try {
        const { tasks } = await getPipelineRun(r.run_id, { tasks: true }, controller.signal);
        if (controller.signal.aborted) return;
        seen.current.set(r.run_id, stamp(r));
        setCounts((m) => new Map(m).set(r.run_id, countStates(tasks)));
      } catch {
        // The row shows no counts; the run page has the details.
      }
    });
    return () => controller.abort();
  }, [runs]);
  return counts;
}

export default function PipelinesPage({ view }: { view: PipelineRunsView }) {
  const [text, setText] = useSearchBox(view.search, (search) => replaceHash(href.pipelines({ ...view, search })));

  const [extra, setExtra] = useState<{ runs: PipelineRun[]; token?: string }>({ runs: [] });
  useEffect(() => setExtra({ runs: [] }), [view.state]);
  const first = usePolling(
    (signal) => listPipelineRuns({ state: view.state, maxResults: PAGE }, signal),
    [view.state],
    (page) => page.runs.some((r) => isActiveRun(r.state)),
    POLL_MS,
  );
  const [moreError, setMoreError] = useState<Error>();
  const token = extra.token ?? first.data?.next_page_token;
  const loaded = useMemo(() => {
    // A later page may repeat a run the first page now also holds.
    const firstRuns = first.data?.runs ?? [];
    const ids = new Set(firstRuns.map((r) => r.run_id));
    return [...firstRuns, ...extra.runs.filter((r) => !ids.has(r.run_id))];
  }, [first.data, extra.runs]);
  const shown = useMemo(() => visibleRuns(loaded, view), [loaded, view]);
  const counts = useTaskCounts(loaded);

  const sortBy = (key: PipelineSortKey) => {
    const dir = view.sort.key === key ? (view.sort.dir === 'asc' ? 'desc' : 'asc') : key === 'name' ? 'asc' : 'desc';
    replaceHash(href.pipelines({ ...view, sort: { key, dir } }));
  };
  const loadMore = async () => {
    try {
      const page = await listPipelineRuns({ state: view.state, pageToken: token, maxResults: PAGE });
      setExtra((e) => ({ runs: [...e.runs, ...page.runs], token: page.next_page_token ?? '' }));
    } catch (e) {
      setMoreError(e as Error);
    }
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
        <label>
          State{' '}
          <select
            aria-label="Run state"
            value={view.state}
            onChange={(e) => replaceHash(href.pipelines({ ...view, state: e.target.value }))}
          >
            <option value="">any</option>
            {RUN_STATES.map((s) => (
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
        <ErrorState error={first.error} retry={first.reload} title="Could not load pipeline runs" />
      ) : !first.data ? (
        <Loading what="Loading pipeline runs" />
      ) : loaded.length === 0 ? (
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
      ) : (
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
                  {COLUMNS.map((c) => {
                    const sorted = c.key && view.sort.key === c.key;
                    return (
                      <th
                        key={c.label}
                        className={c.num ? 'num' : undefined}
                        aria-sort={sorted ? (view.sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                        data-col={c.key ?? undefined}
                      >
                        {c.key ? (
                          <button type="button" className="sort" onClick={() => sortBy(c.key!)}>
                            {c.label}
                            {sorted && <span className="arrow">{view.sort.dir === 'asc' ? '▲' : '▼'}</span>}
                          </button>
                        ) : (
                          c.label
                        )}
                      </th>
                    );
                  })}
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
          {moreError && <ErrorState error={moreError} />}
          {token ? (
            <button type="button" onClick={loadMore}>
              Load more runs
            </button>
          ) : null}
        </>
      )}
    </div>
  );
}
