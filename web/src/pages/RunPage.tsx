// One run: overview (params, latest metrics, tags, dataset inputs, parent and
// child runs), metric charts, artifacts. Tab and chart options live in the URL.
import { useMemo, useState } from 'react';
import { getExperiment, getRun, searchRuns } from '../api/mlflow';
import type { Run } from '../api/types';
import { ArtifactBrowser } from '../components/ArtifactBrowser';
import { Breadcrumbs, EmptyState, ErrorState, KeyValueTable, StatusBadge, Tabs } from '../components/common';
import { FirstLoad } from '../components/FirstLoad';
import { ChartCard } from '../components/MetricChart';
import { quoteValue } from '../lib/filter';
import { formatDuration, formatNumber, formatTime, metricValue, runDuration } from '../lib/format';
import { useAsync } from '../lib/hooks';
import { href, replaceHash, type ChartView, type RunTab } from '../lib/urlState';
import { ChartControls } from '../components/ChartControls';

interface Props {
  experimentId: string;
  runId: string;
  tab: RunTab;
  chart: ChartView;
  path: string;
}

function Overview({ run, experimentId }: { run: Run; experimentId: string }) {
  const [systemTags, setSystemTags] = useState(false);
  const parentId = run.data.tags?.find((t) => t.key === 'mlflow.parentRunId')?.value;
  const children = useAsync(
    (signal) =>
      searchRuns(
        {
          experimentIds: [run.info.experiment_id],
          filter: `tags.\`mlflow.parentRunId\` = ${quoteValue(run.info.run_id)}`,
          orderBy: ['attributes.start_time ASC'],
          maxResults: 200,
        },
        signal,
      ),
    [run.info.run_id],
  );
  const parent = useAsync((signal) => (parentId ? getRun(parentId, signal) : Promise.resolve(null)), [parentId]);
  const tags = (run.data.tags ?? []).filter((t) => systemTags || !t.key.startsWith('mlflow.'));
  const params = [...(run.data.params ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  const metrics = [...(run.data.metrics ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  const datasets = run.inputs?.dataset_inputs ?? [];
  return (
    <div className="overview">
      <section>
        <h2>Parameters <span className="muted">({params.length})</span></h2>
        <KeyValueTable rows={params} empty="No parameters logged." label="Parameters" />
      </section>
      <section>
        <h2>Metrics <span className="muted">({metrics.length})</span></h2>
        {metrics.length === 0 ? (
          <p className="muted">No metrics logged.</p>
        ) : (
          <table className="kv" aria-label="Latest metrics">
            <thead>
              <tr>
                <th>Key</th>
                <th>Latest</th>
                <th>Step</th>
              </tr>
            </thead>
            <tbody>
              {metrics.map((m) => (
                <tr key={m.key}>
                  <th scope="row">
                    <a href={href.run(experimentId, run.info.run_id, 'metrics')}>{m.key}</a>
                  </th>
                  <td className="num">{formatNumber(metricValue(m.value))}</td>
                  <td className="num muted">{m.step ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section>
        <h2>Dataset inputs <span className="muted">({datasets.length})</span></h2>
        {datasets.length === 0 ? (
          <p className="muted">No dataset inputs logged.</p>
        ) : (
          <table className="list" aria-label="Dataset inputs">
            <thead>
              <tr>
                <th>Name</th>
                <th>Digest</th>
                <th>Context</th>
                <th>Source</th>
              </tr>
            </thead>
            <tbody>
              {datasets.map((d, i) => (
                <tr key={i}>
                  <td>{d.dataset.name}</td>
                  <td className="mono">{d.dataset.digest}</td>
                  <td>{d.tags?.find((t) => t.key === 'mlflow.data.context')?.value ?? ''}</td>
                  <td className="mono ellipsis" title={d.dataset.source}>
                    {d.dataset.source_type ? `${d.dataset.source_type}: ` : ''}
                    {d.dataset.source}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section>
        <h2>Parent and child runs</h2>
        {parentId && (
          <p>
            Parent:{' '}
            {parent.data ? (
              <a href={href.run(parent.data.info.experiment_id, parentId)}>{parent.data.info.run_name || parentId}</a>
            ) : parent.error ? (
              <span className="mono">{parentId} (not readable: {parent.error.message})</span>
            ) : (
              <span className="mono">{parentId}</span>
            )}
          </p>
        )}
        {children.error ? (
          <ErrorState error={children.error} retry={children.reload} title="Could not load child runs" />
        ) : children.data && children.data.runs.length > 0 ? (
          <ul className="plain" aria-label="Child runs">
            {children.data.runs.map((c) => (
              <li key={c.info.run_id}>
                <a href={href.run(c.info.experiment_id, c.info.run_id)}>{c.info.run_name || c.info.run_id}</a>{' '}
                <StatusBadge status={c.info.status} />
              </li>
            ))}
          </ul>
        ) : (
          !parentId && <p className="muted">No parent and no child runs.</p>
        )}
      </section>
      <section>
        <h2>
          Tags <span className="muted">({tags.length})</span>{' '}
          <label className="check inline">
            <input type="checkbox" checked={systemTags} onChange={(e) => setSystemTags(e.target.checked)} /> show mlflow.* tags
          </label>
        </h2>
        <KeyValueTable rows={tags} empty="No tags." label="Tags" />
      </section>
    </div>
  );
}

function Charts({ run, chart, experimentId }: { run: Run; chart: ChartView; experimentId: string }) {
  const [search, setSearch] = useState('');
  const keys = useMemo(() => (run.data.metrics ?? []).map((m) => m.key).sort((a, b) => a.localeCompare(b)), [run]);
  const shown = keys.filter((k) => k.toLowerCase().includes(search.trim().toLowerCase()));
  const runs = useMemo(
    () => [{ runId: run.info.run_id, label: run.info.run_name || run.info.run_id, startTime: run.info.start_time }],
    [run],
  );
  if (keys.length === 0) return <EmptyState title="No metrics logged">Charts appear when the run logs metrics.</EmptyState>;
  return (
    <div>
      <ChartControls
        chart={chart}
        onChange={(next) => replaceHash(href.run(experimentId, run.info.run_id, 'metrics', { ...chart, ...next }))}
      >
        <input type="search" placeholder="Filter metrics" aria-label="Filter metrics" value={search} onChange={(e) => setSearch(e.target.value)} />
      </ChartControls>
      {shown.length === 0 && <EmptyState title="No metric matches" />}
      <div className="chart-grid">
        {shown.map((k) => (
          <ChartCard key={k} metricKey={k} runs={runs} x={chart.x} smooth={chart.smooth} log={chart.log} />
        ))}
      </div>
    </div>
  );
}

export default function RunPage({ experimentId, runId, tab, chart, path }: Props) {
  const run = useAsync((signal) => getRun(runId, signal), [runId]);
  const experiment = useAsync((signal) => getExperiment(experimentId, signal), [experimentId]);
  if (!run.data) {
    return (
      <FirstLoad
        error={run.error}
        retry={run.reload}
        crumbs={[{ label: 'Experiments', href: href.experiments() }, { label: experimentId, href: href.experiment(experimentId) }, { label: runId }]}
        errorTitle="Could not load this run"
        loading="Loading run"
      />
    );
  }
  const r = run.data;
  const info = r.info;
  const name = info.run_name || info.run_id;
  const source = r.data.tags?.find((t) => t.key === 'mlflow.source.name')?.value;
  const commit = r.data.tags?.find((t) => t.key === 'mlflow.source.git.commit')?.value;
  return (
    <div className="page page-wide">
      <Breadcrumbs
        items={[
          { label: 'Experiments', href: href.experiments() },
          { label: experiment.data?.name ?? `Experiment ${experimentId}`, href: href.experiment(experimentId) },
          { label: name },
        ]}
      />
      <div className="title-row">
        <h1>{name}</h1>
        <StatusBadge status={info.status} />
        {info.lifecycle_stage === 'deleted' && <span className="badge badge-bad">deleted</span>}
      </div>
      <dl className="facts">
        <div><dt>Run ID</dt><dd className="mono">{info.run_id}</dd></div>
        <div><dt>Started</dt><dd>{formatTime(info.start_time)}</dd></div>
        <div><dt>Duration</dt><dd>{formatDuration(runDuration(info.start_time, info.end_time, info.status))}</dd></div>
        <div><dt>User</dt><dd>{info.user_id || '—'}</dd></div>
        {source && <div><dt>Source</dt><dd className="mono">{source}</dd></div>}
        {commit && <div><dt>Git commit</dt><dd className="mono">{commit.slice(0, 12)}</dd></div>}
        <div><dt>Artifacts</dt><dd className="mono ellipsis">{info.artifact_uri}</dd></div>
      </dl>
      <Tabs
        active={tab}
        tabs={[
          { id: 'overview', label: 'Overview', href: href.run(experimentId, runId, 'overview') },
          { id: 'metrics', label: `Metric charts (${r.data.metrics?.length ?? 0})`, href: href.run(experimentId, runId, 'metrics', chart) },
          { id: 'artifacts', label: 'Artifacts', href: href.run(experimentId, runId, 'artifacts') },
        ]}
      />
      {tab === 'overview' && <Overview run={r} experimentId={experimentId} />}
      {tab === 'metrics' && <Charts run={r} chart={chart} experimentId={experimentId} />}
      {tab === 'artifacts' && (
        <ArtifactBrowser runId={runId} path={path} onSelect={(p) => replaceHash(href.run(experimentId, runId, 'artifacts', { path: p }))} />
      )}
    </div>
  );
}
