// The task panel of the pipeline run page: what a task got and produced, its
// attempts, its logs (stdout/stderr, followed while it runs) and its nested
// tracking run.
import { getTaskLogs, type ArtifactRef, type PipelineTask, type TaskIo } from '../api/pipelines';
import { STATE_STYLE, visualState } from '../lib/pipelineStates';
import { CommandDetails, ExitCodeFact, TimeFacts, TrackingRunFact } from './Facts';
import { LogsSection, type LogStream } from './LogsSection';
import { SidePanel } from './SidePanel';

function showValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function IoTables({ io, label }: { io: TaskIo | undefined; label: string }) {
  const params = Object.entries(io?.parameters ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const artifacts = Object.entries(io?.artifacts ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (params.length === 0 && artifacts.length === 0) return <p className="muted small">None.</p>;
  return (
    <>
      {params.length > 0 && (
        <table className="kv" aria-label={`${label} parameters`}>
          <tbody>
            {params.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td className="mono">{showValue(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {artifacts.length > 0 && (
        <table className="kv" aria-label={`${label} artifacts`}>
          <tbody>
            {artifacts.map(([k, list]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>
                  {(list ?? []).map((a: ArtifactRef, i) => (
                    <div key={i}>
                      <span className="chip small">{a.type?.schemaTitle ?? 'artifact'}</span>{' '}
                      <span className="mono small">{a.uri}</span>
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export interface TaskPanelProps {
  runId: string;
  task: PipelineTask;
  childCount: number;
  stream: LogStream;
  onStream: (s: LogStream) => void;
  onClose: () => void;
}

export function TaskPanel({ runId, task, childCount, stream, onStream, onClose }: TaskPanelProps) {
  const v = visualState(task);
  const hasProcess = task.kind === 'CONTAINER' || task.kind === 'IMPORTER';
  const attempts = task.attempt ?? 0;
  const duration = task.started_time ? (task.finished_time || Date.now()) - task.started_time : null;
  const active = task.state === 'RUNNING' || task.state === 'PENDING';
  return (
    <SidePanel
      label={`Task ${task.display_name}`}
      testId="task-panel"
      title={task.display_name || task.task_key}
      badges={
        <span className={`badge badge-state state-${v}`} style={{ background: STATE_STYLE[v].fill, color: STATE_STYLE[v].text }}>
          {STATE_STYLE[v].label}
        </span>
      }
      closeLabel="Close the task panel"
      itemKey={task.node_id}
      onClose={onClose}
    >
      <p className="mono small muted">{task.node_id}</p>
      <dl className="facts">
        <div><dt>Kind</dt><dd>{task.kind.toLowerCase()}{childCount > 0 ? ` · ${childCount} inside` : ''}</dd></div>
        {task.component && <div><dt>Component</dt><dd className="mono small">{task.component}</dd></div>}
        {hasProcess && (
          <div>
            <dt>Attempts</dt>
            <dd data-testid="task-attempts">
              {attempts}
              {attempts > 1 ? ` (${attempts - 1} retr${attempts === 2 ? 'y' : 'ies'})` : ''}
            </dd>
          </div>
        )}
        <TimeFacts started={task.started_time} finished={task.finished_time} duration={duration} />
        {hasProcess && <ExitCodeFact code={task.exit_code} />}
        {task.executor && <div><dt>Executor</dt><dd>{task.executor}</dd></div>}
        {task.image && <div><dt>Image</dt><dd className="mono small">{task.image}</dd></div>}
        <TrackingRunFact runId={task.mlflow_run_id} link="open the task's run" />
      </dl>
      {task.cached && task.cached_from && (
        <p className="small">
          Outputs reused from an earlier execution: <span className="mono">{task.cached_from}</span>
        </p>
      )}
      {task.error && (
        <div className="state state-error compact" role="note">
          <strong>Error</strong>
          <p>{task.error}</p>
        </div>
      )}
      <CommandDetails command={task.command} />
      <h3>Inputs</h3>
      <IoTables io={task.inputs} label="Input" />
      <h3>Outputs</h3>
      <IoTables io={task.outputs} label="Output" />
      {hasProcess ? (
        <LogsSection
          key={task.node_id}
          read={(offset, signal) => getTaskLogs(runId, task.node_id, stream, offset, signal)}
          streamKey={`${runId}|${task.node_id}|${stream}`}
          active={active}
          stream={stream}
          onStream={onStream}
          testId="task-logs"
          what="task"
          cli="cairn pipelines logs"
        />
      ) : (
        <p className="muted small">A {task.kind.toLowerCase()} runs no process of its own: open a task inside it for logs.</p>
      )}
    </SidePanel>
  );
}
