// One model version: details, editable aliases and tags, and its lineage
// chain: version -> source run (-> parent runs) -> code and datasets.
import {
  deleteModelAlias,
  deleteVersionTag,
  getLineage,
  getModelVersion,
  getRun,
  setModelAlias,
  setVersionTag,
  updateVersionDescription,
} from '../api/mlflow';
import type { Lineage, LineageRun, ModelVersion, Run } from '../api/types';
import { Breadcrumbs, EmptyState, ErrorState, Loading, StatusBadge } from '../components/common';
import { FirstLoad } from '../components/FirstLoad';
import { AliasEditor, DescriptionEditor, TagEditor } from '../components/Editors';
import { formatTime } from '../lib/format';
import { useAsync } from '../lib/hooks';
import { href } from '../lib/urlState';

// Without cairn's lineage endpoint (a plain MLflow server): the same chain
// from the version and its run.
async function lineageFromMlflow(version: ModelVersion, signal: AbortSignal): Promise<Lineage> {
  const lineage: Lineage = { model_version: version, warnings: [] };
  let runId = version.run_id;
  let child: LineageRun | null = null;
  for (let depth = 0; runId && depth < 16; depth++) {
    let run: Run;
    try {
      run = await getRun(runId, signal);
    } catch (e) {
      lineage.warnings!.push(`run '${runId}' could not be read: ${(e as Error).message}`);
      break;
    }
    const tags = run.data.tags ?? [];
    const tag = (k: string) => tags.find((t) => t.key === k)?.value;
    const node: LineageRun = {
      run_id: run.info.run_id,
      experiment_id: run.info.experiment_id,
      run_name: run.info.run_name,
      status: run.info.status,
      start_time: run.info.start_time,
      code: Object.fromEntries(
        [
          ['git_commit', tag('mlflow.source.git.commit')],
          ['source_name', tag('mlflow.source.name')],
        ].filter(([, v]) => v) as [string, string][],
      ),
      datasets: (run.inputs?.dataset_inputs ?? []).map((d) => ({
        ...d.dataset,
        context: d.tags?.find((t) => t.key === 'mlflow.data.context')?.value,
      })),
    };
    if (child) child.parent_run = node;
    else lineage.run = node;
    child = node;
    runId = tag('mlflow.parentRunId');
  }
  return lineage;
}

function RunStep({ run, label }: { run: LineageRun; label: string }) {
  const code = run.code ?? {};
  return (
    <>
      <li className="lineage-step" data-testid="lineage-run">
        <div className="lineage-kind">{label}</div>
        <div>
          <a href={run.experiment_id ? href.run(run.experiment_id, run.run_id) : href.runById(run.run_id)}>{run.run_name || run.run_id}</a>{' '}
          <StatusBadge status={run.status} />
          {run.lifecycle_stage === 'deleted' && <span className="badge badge-bad">deleted</span>}
        </div>
        <div className="muted small">
          {run.experiment_name ? `experiment ${run.experiment_name} · ` : ''}
          {formatTime(run.start_time)}
          {code.git_commit ? ` · commit ${code.git_commit.slice(0, 10)}` : ''}
          {code.source_name ? ` · ${code.source_name}` : ''}
        </div>
      </li>
      {(run.datasets ?? []).map((d) => (
        <li key={`${d.name}@${d.digest}`} className="lineage-step dataset" data-testid="lineage-dataset">
          <div className="lineage-kind">dataset{d.context ? ` (${d.context})` : ''}</div>
          <div>
            {d.name} <span className="mono muted">{d.digest}</span>
          </div>
          {d.source && <div className="mono muted small ellipsis">{d.source}</div>}
        </li>
      ))}
      {run.parent_run && <RunStep run={run.parent_run} label="parent run" />}
    </>
  );
}

export default function ModelVersionPage({ name, version }: { name: string; version: string }) {
  const mv = useAsync((signal) => getModelVersion(name, version, signal), [name, version]);
  const lineage = useAsync(
    async (signal) => (await getLineage(name, version, signal)) ?? (await lineageFromMlflow(await getModelVersion(name, version, signal), signal)),
    [name, version],
  );
  const reload = () => {
    mv.reload();
    lineage.reload();
  };
  const crumbs = [{ label: 'Models', href: href.models() }, { label: name, href: href.model(name) }, { label: `version ${version}` }];
  if (!mv.data) {
    return <FirstLoad error={mv.error} retry={mv.reload} crumbs={crumbs} errorTitle="Could not load this model version" loading="Loading model version" />;
  }
  const v = mv.data;
  return (
    <div className="page">
      <Breadcrumbs items={crumbs} />
      <div className="title-row">
        <h1>
          {name} <span className="muted">version {v.version}</span>
        </h1>
        <StatusBadge status={v.status} />
      </div>
      <dl className="facts">
        <div><dt>Created</dt><dd>{formatTime(v.creation_timestamp)}</dd></div>
        {v.user_id && <div><dt>By</dt><dd>{v.user_id}</dd></div>}
        {v.current_stage && v.current_stage !== 'None' && <div><dt>Stage</dt><dd>{v.current_stage}</dd></div>}
        <div><dt>Source</dt><dd className="mono ellipsis">{v.source}</dd></div>
      </dl>
      <DescriptionEditor text={v.description ?? ''} onSave={(t) => updateVersionDescription(name, version, t)} onChanged={reload} />
      <div className="two-col">
        <section>
          <h2>Aliases</h2>
          <AliasEditor
            aliases={(v.aliases ?? []).map((alias) => ({ alias, version: v.version }))}
            versions={[v.version]}
            fixedVersion={v.version}
            onSet={(alias) => setModelAlias(name, alias, v.version)}
            onDelete={(alias) => deleteModelAlias(name, alias)}
            onChanged={reload}
          />
        </section>
        <section>
          <h2>Tags</h2>
          <TagEditor
            label="Version tags"
            tags={v.tags ?? []}
            onSet={(k, val) => setVersionTag(name, version, k, val)}
            onDelete={(k) => deleteVersionTag(name, version, k)}
            onChanged={reload}
          />
        </section>
      </div>
      <section>
        <h2>Lineage</h2>
        {lineage.error ? (
          <ErrorState error={lineage.error} retry={lineage.reload} title="Could not load the lineage" />
        ) : !lineage.data ? (
          <Loading what="Tracing lineage" />
        ) : (
          <>
            <ol className="lineage" data-testid="lineage">
              <li className="lineage-step model">
                <div className="lineage-kind">model version</div>
                <div>
                  {name} v{v.version} {(v.aliases ?? []).map((a) => <span key={a} className="chip small">@{a}</span>)}
                </div>
                {lineage.data.model_version.storage_location && (
                  <div className="mono muted small ellipsis">{lineage.data.model_version.storage_location}</div>
                )}
              </li>
              {lineage.data.run ? <RunStep run={lineage.data.run} label="source run" /> : null}
            </ol>
            {!lineage.data.run && <EmptyState title="No source run">This version was not registered from a tracked run.</EmptyState>}
            {(lineage.data.warnings ?? []).map((w, i) => (
              <p key={i} className="warning">{w}</p>
            ))}
          </>
        )}
      </section>
    </div>
  );
}
