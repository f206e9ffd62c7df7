import { useEffect, useState } from 'react';
import { searchExperiments } from '../api/mlflow';
import type { Experiment } from '../api/types';
import { Breadcrumbs, EmptyState, ErrorState, Loading } from '../components/common';
import { LoadMore } from '../components/LoadMore';
import { experimentNameFilter } from '../lib/filter';
import { formatTime } from '../lib/format';
import { useAsync, useSearchBox } from '../lib/hooks';
import { href, replaceHash } from '../lib/urlState';

export default function ExperimentsPage({ search }: { search: string }) {
  const [text, setText] = useSearchBox(search, (value) => replaceHash(href.experiments(value)));

  const [extra, setExtra] = useState<{ items: Experiment[]; token?: string }>({ items: [] });
  const first = useAsync((signal) => searchExperiments(experimentNameFilter(search), undefined, 100, signal), [search]);
  useEffect(() => setExtra({ items: [] }), [search]);
  const [moreError, setMoreError] = useState<Error>();
  const token = extra.token ?? first.data?.next_page_token;
  const items = [...(first.data?.experiments ?? []), ...extra.items];

  const loadMore = async () => {
    try {
      const page = await searchExperiments(experimentNameFilter(search), token);
      setExtra((e) => ({ items: [...e.items, ...(page.experiments ?? [])], token: page.next_page_token || '' }));
    } catch (e) {
      setMoreError(e as Error);
    }
  };

  return (
    <div className="page">
      <Breadcrumbs items={[{ label: 'Experiments' }]} />
      <h1>Experiments</h1>
      <div className="toolbar">
        <input
          type="search"
          className="grow-input"
          placeholder="Search experiments by name"
          aria-label="Search experiments by name"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      {first.error ? (
        <ErrorState error={first.error} retry={first.reload} title="Could not load experiments" />
      ) : first.loading && !first.data ? (
        <Loading what="Loading experiments" />
      ) : items.length === 0 ? (
        search ? (
          <EmptyState title={`No experiment matches “${search}”`}>Try another part of the name.</EmptyState>
        ) : (
          <EmptyState title="No experiments yet">
            Log one from any MLflow client (<code>MLFLOW_TRACKING_URI=…</code>, <code>mlflow.set_experiment("demo")</code>) or
            run <code>cairn experiments create demo</code>.
          </EmptyState>
        )
      ) : (
        <>
          <table className="list" data-testid="experiments-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>ID</th>
                <th>Created</th>
                <th>Last updated</th>
                <th>Artifact location</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.experiment_id}>
                  <td>
                    <a href={href.experiment(e.experiment_id)}>{e.name}</a>
                  </td>
                  <td className="mono">{e.experiment_id}</td>
                  <td>{formatTime(e.creation_time)}</td>
                  <td>{formatTime(e.last_update_time)}</td>
                  <td className="mono muted ellipsis">{e.artifact_location}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <LoadMore token={token} error={moreError} onLoad={loadMore} label="Load more experiments" />
        </>
      )}
    </div>
  );
}
