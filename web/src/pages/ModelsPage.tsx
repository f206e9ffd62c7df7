import { useEffect, useState } from 'react';
import { searchRegisteredModels } from '../api/mlflow';
import type { RegisteredModel } from '../api/types';
import { Breadcrumbs, EmptyState, ErrorState, Loading } from '../components/common';
import { modelNameFilter } from '../lib/filter';
import { formatTime } from '../lib/format';
import { useAsync, useSearchBox } from '../lib/hooks';
import { href, replaceHash } from '../lib/urlState';

export default function ModelsPage({ search }: { search: string }) {
  const [text, setText] = useSearchBox(search, (value) => replaceHash(href.models(value)));
  const [extra, setExtra] = useState<{ items: RegisteredModel[]; token?: string }>({ items: [] });
  useEffect(() => setExtra({ items: [] }), [search]);
  const first = useAsync((signal) => searchRegisteredModels(modelNameFilter(search), undefined, signal), [search]);
  const token = extra.token ?? first.data?.next_page_token;
  const items = [...(first.data?.registered_models ?? []), ...extra.items];
  const [moreError, setMoreError] = useState<Error>();

  return (
    <div className="page">
      <Breadcrumbs items={[{ label: 'Models' }]} />
      <h1>Registered models</h1>
      <div className="toolbar">
        <input type="search" className="grow-input" placeholder="Search models by name" aria-label="Search models by name" value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      {first.error ? (
        <ErrorState error={first.error} retry={first.reload} title="Could not load registered models" />
      ) : !first.data ? (
        <Loading what="Loading models" />
      ) : items.length === 0 ? (
        search ? (
          <EmptyState title={`No model matches “${search}”`} />
        ) : (
          <EmptyState title="No registered models yet">
            Register one from a run: <code>mlflow.register_model("runs:/&lt;run_id&gt;/model", "my-model")</code>.
          </EmptyState>
        )
      ) : (
        <>
          <table className="list" data-testid="models-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Latest version</th>
                <th>Aliases</th>
                <th>Last modified</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {items.map((m) => {
                const latest = (m.latest_versions ?? []).reduce<string>((v, x) => (Number(x.version) > Number(v) ? x.version : v), '');
                return (
                  <tr key={m.name}>
                    <td><a href={href.model(m.name)}>{m.name}</a></td>
                    <td>{latest ? <a href={href.modelVersion(m.name, latest)}>version {latest}</a> : <span className="muted">—</span>}</td>
                    <td>{(m.aliases ?? []).map((a) => <span key={a.alias} className="chip small">@{a.alias} → v{a.version}</span>)}</td>
                    <td>{formatTime(m.last_updated_timestamp)}</td>
                    <td className="ellipsis muted">{m.description}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {moreError && <ErrorState error={moreError} />}
          {token && (
            <button
              type="button"
              onClick={async () => {
                try {
                  const page = await searchRegisteredModels(modelNameFilter(search), token);
                  setExtra((e) => ({ items: [...e.items, ...(page.registered_models ?? [])], token: page.next_page_token || '' }));
                } catch (e) {
                  setMoreError(e as Error);
                }
              }}
            >
              Load more models
            </button>
          )}
        </>
      )}
    </div>
  );
}
