// One experiment's runs: filter box (MLflow filter string) plus quick
// filters, server-side sort and pagination (pages load as the grid scrolls),
// user-chosen columns, selection for comparing. All of it is in the URL.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { getExperiment, searchRuns } from '../api/mlflow';
import { ColumnPicker } from '../components/ColumnPicker';
import { Breadcrumbs, EmptyState, ErrorState, Loading } from '../components/common';
import { RunsTable } from '../components/RunsTable';
import {
  buildFilter,
  columnId,
  nextSort,
  orderByFor,
  parseColumnId,
  RUN_STATUSES,
  type ColumnRef,
} from '../lib/filter';
import { useAsync } from '../lib/hooks';
import { addKeys, newKeyCollector, toRunRow, type KeySets, type RunRow } from '../lib/runRows';
import { href, navigate, replaceHash, type RunsView } from '../lib/urlState';

const PAGE_SIZE = 200;
const EMPTY_KEYS: KeySets = { metrics: [], params: [], tags: [] };

interface RunsState {
  rows: RunRow[];
  keys: KeySets;
  // The rows are the previous query's, shown until the new one answers.
  stale?: boolean;
  token?: string;
  done: boolean;
  loading: boolean;
  error?: Error;
}

// Pages of search-runs for one (filter, order) query; a new query starts over.
function useRunPages(experimentId: string, filter: string, orderBy: string[]) {
  const [state, setState] = useState<RunsState>({ rows: [], keys: EMPTY_KEYS, done: false, loading: true });
  const collector = useRef(newKeyCollector());
  const query = JSON.stringify([experimentId, filter, orderBy]);
  const inflight = useRef<AbortController | null>(null);
  const stateRef = useRef(state);
  stateRef.current = state;

  const fetchPage = useCallback(
    (reset: boolean) => {
      const current = stateRef.current;
      if (!reset && (current.loading || current.done || current.error)) return;
      inflight.current?.abort();
      const controller = new AbortController();
      inflight.current = controller;
      const token = reset ? undefined : current.token;
      if (reset) collector.current = newKeyCollector();
      // A new query keeps the old rows on screen until its first page
      // arrives, so the grid (and keyboard focus in it) survives a re-sort.
      setState((s) =>
        reset ? { rows: s.rows, keys: s.keys, done: false, loading: true, stale: true } : { ...s, loading: true },
      );
      searchRuns({ experimentIds: [experimentId], filter, orderBy, pageToken: token, maxResults: PAGE_SIZE }, controller.signal).then(
        (page) => {
          if (controller.signal.aborted) return;
          const rows = page.runs.map(toRunRow);
          const keys = addKeys(collector.current, rows);
          setState((s) => ({
            rows: reset ? rows : [...s.rows, ...rows],
            stale: false,
            keys,
            token: page.next_page_token,
            // MLflow emits a token whenever a page is full, so the last page may be empty.
            done: !page.next_page_token || page.runs.length === 0,
            loading: false,
          }));
        },
        (error: Error) => {
          if (controller.signal.aborted || error.name === 'AbortError') return;
          setState((s) => (s.stale ? { rows: [], keys: EMPTY_KEYS, done: false, loading: false, error } : { ...s, loading: false, error }));
        },
      );
    },
    [query],
  );
  useEffect(() => {
    fetchPage(true);
    return () => inflight.current?.abort();
  }, [fetchPage]);
  const more = useCallback(() => fetchPage(false), [fetchPage]);
  const retry = useCallback(() => {
    setState((s) => ({ ...s, error: undefined }));
    stateRef.current = { ...stateRef.current, error: undefined, loading: false };
    fetchPage(stateRef.current.rows.length === 0);
  }, [fetchPage]);
  return { ...state, more, retry };
}

export default function ExperimentPage({ experimentId, view }: { experimentId: string; view: RunsView }) {
  const experiment = useAsync((signal) => getExperiment(experimentId, signal), [experimentId]);
  const filter = buildFilter({ text: view.filter, status: view.status, nameContains: view.name });
  const orderBy = useMemo(() => orderByFor(view.sort), [view.sort]);
  const runs = useRunPages(experimentId, filter, orderBy);
  const [filterText, setFilterText] = useState(view.filter);
  const [nameText, setNameText] = useState(view.name);
  useEffect(() => setFilterText(view.filter), [view.filter]);
  useEffect(() => setNameText(view.name), [view.name]);
  const [picking, setPicking] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const filterRef = useRef<HTMLInputElement>(null);

  // For bench/ui_bench.sh: when a query's first page is on screen.
  const shown = runs.rows.length > 0 && !runs.stale;
  useEffect(() => {
    if (shown) performance.mark('runs:shown');
  }, [shown]);

  const keys = runs.keys;
  const columns: ColumnRef[] = useMemo(() => {
    if (view.columns === null) {
      return [
        ...keys.metrics.map((key) => ({ entity: 'metrics' as const, key })),
        ...keys.params.map((key) => ({ entity: 'params' as const, key })),
      ];
    }
    return view.columns.map(parseColumnId).filter((c): c is ColumnRef => c !== null);
  }, [view.columns, keys]);

  const go = (next: Partial<RunsView>, replace = false) => {
    const target = href.experiment(experimentId, { ...view, ...next });
    if (replace) replaceHash(target);
    else navigate(target);
  };

  // "/" focuses the filter box, as in many dashboards.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName)) {
        e.preventDefault();
        filterRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const toggle = useCallback((id: string) => {
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  }, []);
  const toggleAll = useCallback(() => {
    setSelected((s) => (runs.rows.every((r) => s.has(r.id)) ? new Set() : new Set(runs.rows.map((r) => r.id))));
  }, [runs.rows]);

  const name = experiment.data?.name ?? `Experiment ${experimentId}`;
  const description = experiment.data?.tags?.find((t) => t.key === 'mlflow.note.content')?.value;
  const filtered = Boolean(filter);
  const more = runs.more;

  let body;
  if (experiment.error) {
    body = <ErrorState error={experiment.error} retry={experiment.reload} title="Could not load this experiment" />;
  } else if (runs.error && runs.rows.length === 0) {
    body = <ErrorState error={runs.error} retry={runs.retry} title={filtered ? 'The filter was rejected' : 'Could not load runs'} />;
  } else if (runs.loading && runs.rows.length === 0) {
    body = <Loading what="Loading runs" />;
  } else if (runs.rows.length === 0) {
    body = filtered ? (
      <EmptyState title="No run matches this filter">
        Change the filter, or{' '}
        <a href={href.experiment(experimentId, { ...view, filter: '', status: '', name: '' })}>clear it</a>.
      </EmptyState>
    ) : (
      <EmptyState title="No runs in this experiment yet">
        Runs appear here as soon as a client logs them (<code>mlflow.start_run()</code>).
      </EmptyState>
    );
  } else {
    body = (
      <RunsTable
        experimentId={experimentId}
        rows={runs.rows}
        columns={columns}
        sort={view.sort}
        onSort={(c) => go({ sort: nextSort(view.sort, c) })}
        selected={selected}
        onToggle={toggle}
        onToggleAll={toggleAll}
        onNearEnd={more}
        footer={
          <div className="grid-footer" style={{ position: 'sticky', left: 0 }}>
            {runs.error ? (
              <ErrorState error={runs.error} retry={runs.retry} title="Could not load more runs" />
            ) : runs.loading && !runs.stale ? (
              <Loading what="Loading more runs" />
            ) : !runs.done ? (
              <button type="button" onClick={more}>
                Load more runs
              </button>
            ) : null}
          </div>
        }
      />
    );
  }

  const selectedIds = [...selected];
  return (
    <div className="page page-wide">
      <Breadcrumbs items={[{ label: 'Experiments', href: href.experiments() }, { label: name }]} />
      <div className="title-row">
        <h1>{name}</h1>
        <span className="muted mono">id {experimentId}</span>
      </div>
      {description && <p className="description">{description}</p>}
      <form
        className="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          go({ filter: filterText.trim(), name: nameText.trim() });
        }}
      >
        <input
          ref={filterRef}
          className="grow-input mono"
          type="search"
          name="filter"
          placeholder="metrics.loss < 0.5 AND params.optimizer = 'adam'   (press / to focus)"
          aria-label="Filter runs (MLflow search syntax)"
          value={filterText}
          onChange={(e) => setFilterText(e.target.value)}
        />
        <input
          type="search"
          name="run-name"
          placeholder="Run name contains"
          aria-label="Run name contains"
          value={nameText}
          onChange={(e) => setNameText(e.target.value)}
        />
        <select aria-label="Status" value={view.status} onChange={(e) => go({ status: e.target.value })}>
          <option value="">Any status</option>
          {RUN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <button type="submit">Apply</button>
        {(filtered || view.sort) && (
          <a className="button" href={href.experiment(experimentId, { ...view, filter: '', status: '', name: '', sort: null })}>
            Reset
          </a>
        )}
        <span className="toolbar-sep" />
        <div className="popover-anchor">
          <button type="button" aria-expanded={picking} onClick={() => setPicking((p) => !p)}>
            Columns ({columns.length})
          </button>
          {picking && (
            <ColumnPicker
              keys={keys}
              chosen={columns}
              onChange={(next) => go({ columns: next.map(columnId) }, true)}
              onClose={() => setPicking(false)}
            />
          )}
        </div>
        <a
          className={selectedIds.length >= 2 ? 'button primary' : 'button disabled'}
          aria-disabled={selectedIds.length < 2}
          href={selectedIds.length >= 2 ? href.compare(experimentId, { runs: selectedIds }) : undefined}
          data-testid="compare-button"
        >
          Compare ({selectedIds.length})
        </a>
      </form>
      <div className="status-line muted" aria-live="polite" data-testid="runs-status">
        {runs.stale && runs.rows.length > 0
          ? 'Updating…'
          : runs.rows.length > 0 &&
            `${runs.rows.length.toLocaleString('en-US')} ${runs.rows.length === 1 ? 'run' : 'runs'} loaded${runs.done ? '' : ' · more on scroll'}${
              view.sort ? ` · sorted by ${view.sort.column.key} ${view.sort.dir}` : ''
            }`}
      </div>
      {body}
    </div>
  );
}
