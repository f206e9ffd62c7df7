// The task panel of the pipeline run page: what a task got and produced, its
// attempts, its logs (stdout/stderr, followed while it runs) and its nested
// tracking run.
import { useEffect, useRef } from 'react';
import { getTaskLogs, type ArtifactRef, type PipelineTask, type TaskIo } from '../api/pipelines';
import { formatDuration, formatTime } from '../lib/format';
import { STATE_STYLE, visualState } from '../lib/pipelineStates';
import { href } from '../lib/urlState';
import { useFollowedLog } from '../lib/useFollowedLog';
import { ErrorState } from './common';

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

function Logs({ runId, task, stream, onStream }: { runId: string; task: PipelineTask; stream: 'stdout' | 'stderr'; onStream: (s: 'stdout' | 'stderr') => void }) {
  const active = task.state === 'RUNNING' || task.state === 'PENDING';
  const logs = useFollowedLog(
    (offset, signal) => getTaskLogs(runId, task.node_id, stream, offset, signal),
    `${runId}|${task.node_id}|${stream}`,
    active,
  );
  return (
    <section aria-label="Logs">
      <div className="toolbar">
        <h3 className="fill">Logs</h3>
        <div role="group" aria-label="Log stream" className="segmented">
          {(['stdout', 'stderr'] as const).map((s) => (
            <button key={s} type="button" aria-pressed={stream === s} className={stream === s ? 'on' : ''} onClick={() => onStream(s)}>
              {s}
            </button>
          ))}
        </div>
      </div>
      {logs.error ? (
        <ErrorState error={logs.error} title="Could not read the logs" />
      ) : (
        <pre className="preview-text logs" data-testid="task-logs" data-stream={stream} data-loaded={logs.loaded}>
          {!logs.loaded ? 'Loading…' : logs.text || (active ? `(no ${stream} yet)` : `(no ${stream})`)}
        </pre>
      )}
      {logs.truncated && <p className="warning small">Only the first 2 MiB are shown; `cairn pipelines logs` prints everything.</p>}
      {active && <p className="muted small">Following while the task runs.</p>}
    </section>
  );
}

export interface TaskPanelProps {
  runId: string;
  task: PipelineTask;
  childCount: number;
  stream: 'stdout' | 'stderr';
  onStream: (s: 'stdout' | 'stderr') => void;
  onClose: () => void;
}

export function TaskPanel({ runId, task, childCount, stream, onStream, onClose }: TaskPanelProps) {
  const v = visualState(task);
  const hasProcess = task.kind === 'CONTAINER' || task.kind === 'IMPORTER';
  const attempts = task.attempt ?? 0;
  const duration = task.started_time ? (task.finished_time || Date.now()) - task.started_time : null;
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), [task.node_id]);
  // Escape closes the panel wherever the focus is, except in a form field.
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const field = (e.target as HTMLElement | null)?.closest?.('input, select, textarea');
      if (e.key === 'Escape' && !field) onCloseRef.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <aside className="task-panel" aria-label={`Task ${task.display_name}`} data-testid="task-panel">
      <div className="title-row">
        <h2 className="fill">{task.display_name || task.task_key}</h2>
        <span className={`badge badge-state state-${v}`} style={{ background: STATE_STYLE[v].fill, color: STATE_STYLE[v].text }}>
          {STATE_STYLE[v].label}
        </span>
        <button type="button" ref={closeRef} onClick={onClose} aria-label="Close the task panel">
          ✕
        </button>
      </div>
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
        <div><dt>Started</dt><dd>{formatTime(task.started_time) || '—'}</dd></div>
        <div><dt>Finished</dt><dd>{formatTime(task.finished_time) || '—'}</dd></div>
        <div><dt>Duration</dt><dd>{formatDuration(duration) || '—'}</dd></div>
        {hasProcess && task.exit_code !== undefined && task.exit_code >= 0 && (
          <div><dt>Exit code</dt><dd>{task.exit_code}</dd></div>
        )}
        {task.executor && <div><dt>Executor</dt><dd>{task.executor}</dd></div>}
        {task.image && <div><dt>Image</dt><dd className="mono small">{task.image}</dd></div>}
        <div>
          <dt>Tracking run</dt>
          <dd>{task.mlflow_run_id ? <a href={href.runById(task.mlflow_run_id)}>open the task's run</a> : <span className="muted">none</span>}</dd>
        </div>
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
      {task.command && task.command.length > 0 && (
        <details>
          <summary>Command</summary>
          <pre className="preview-text">{task.command.join(' ')}</pre>
        </details>
      )}
      <h3>Inputs</h3>
      <IoTables io={task.inputs} label="Input" />
      <h3>Outputs</h3>
      <IoTables io={task.outputs} label="Output" />
      {hasProcess ? (
        <Logs key={task.node_id} runId={runId} task={task} stream={stream} onStream={onStream} />
      ) : (
        <p className="muted small">A {task.kind.toLowerCase()} runs no process of its own: open a task inside it for logs.</p>
      )}
    </aside>
  );
}
