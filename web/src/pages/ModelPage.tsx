import {
  deleteModelAlias,
  deleteModelTag,
  getRegisteredModel,
  searchModelVersions,
  setModelAlias,
  setModelTag,
  updateModelDescription,
} from '../api/mlflow';
import { Breadcrumbs, EmptyState, ErrorState, Loading, StatusBadge } from '../components/common';
import { FirstLoad } from '../components/FirstLoad';
import { AliasEditor, DescriptionEditor, TagEditor } from '../components/Editors';
import { formatTime } from '../lib/format';
import { useAsync } from '../lib/hooks';
import { href } from '../lib/urlState';

export default function ModelPage({ name }: { name: string }) {
  const model = useAsync((signal) => getRegisteredModel(name, signal), [name]);
  const versions = useAsync((signal) => searchModelVersions(name, signal), [name]);
  const reload = () => {
    model.reload();
    versions.reload();
  };
  const crumbs = [{ label: 'Models', href: href.models() }, { label: name }];
  if (!model.data) {
    return <FirstLoad error={model.error} retry={model.reload} crumbs={crumbs} errorTitle="Could not load this model" loading="Loading model" />;
  }
  const m = model.data;
  const vs = versions.data ?? [];
  return (
    <div className="page">
      <Breadcrumbs items={crumbs} />
      <h1>{m.name}</h1>
      <dl className="facts">
        <div><dt>Created</dt><dd>{formatTime(m.creation_timestamp)}</dd></div>
        <div><dt>Last modified</dt><dd>{formatTime(m.last_updated_timestamp)}</dd></div>
        {m.user_id && <div><dt>Owner</dt><dd>{m.user_id}</dd></div>}
      </dl>
      <DescriptionEditor text={m.description ?? ''} onSave={(t) => updateModelDescription(name, t)} onChanged={reload} />
      <div className="two-col">
        <section>
          <h2>Aliases</h2>
          <AliasEditor
            aliases={m.aliases ?? []}
            versions={vs.map((v) => v.version)}
            onSet={(alias, version) => setModelAlias(name, alias, version)}
            onDelete={(alias) => deleteModelAlias(name, alias)}
            onChanged={reload}
          />
        </section>
        <section>
          <h2>Tags</h2>
          <TagEditor
            label="Model tags"
            tags={m.tags ?? []}
            onSet={(k, v) => setModelTag(name, k, v)}
            onDelete={(k) => deleteModelTag(name, k)}
            onChanged={reload}
          />
        </section>
      </div>
      <section>
        <h2>Versions</h2>
        {versions.error ? (
          <ErrorState error={versions.error} retry={versions.reload} title="Could not load versions" />
        ) : !versions.data ? (
          <Loading what="Loading versions" />
        ) : vs.length === 0 ? (
          <EmptyState title="No versions yet">Create one with <code>mlflow.register_model(...)</code>.</EmptyState>
        ) : (
          <table className="list" data-testid="versions-table">
            <thead>
              <tr>
                <th>Version</th>
                <th>Aliases</th>
                <th>Status</th>
                <th>Stage</th>
                <th>Created</th>
                <th>Source run</th>
              </tr>
            </thead>
            <tbody>
              {vs.map((v) => (
                <tr key={v.version}>
                  <td><a href={href.modelVersion(name, v.version)}>version {v.version}</a></td>
                  <td>{(v.aliases ?? []).map((a) => <span key={a} className="chip small">@{a}</span>)}</td>
                  <td><StatusBadge status={v.status} /></td>
                  <td>{v.current_stage && v.current_stage !== 'None' ? v.current_stage : ''}</td>
                  <td>{formatTime(v.creation_timestamp)}</td>
                  <td className="mono">{v.run_id ? <a href={href.runById(v.run_id)}>{v.run_id.slice(0, 12)}</a> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
