// The side panel of a tuning experiment page: one trial's facts, its
// assignment and observation, its logs (followed while it runs) and its
// tracking run. Escape closes it, as the pipeline task panel.
import { useEffect, useRef } from 'react';
import { getTrialLogs, type Trial } from '../api/tuning';
import { formatDuration, formatNumber, formatTime } from '../lib/format';
import { TRIAL_STATE_CLASS, isActiveTrial, trialDuration } from '../lib/tuning';
import { href } from '../lib/urlState';
import { useFollowedLog } from '../lib/useFollowedLog';
import { ErrorState } from './common';

type Stream = 'stdout' | 'stderr';

function TrialLogs({ experimentId, trial, stream, onStream }: { experimentId: string; trial: Trial; stream: Stream; onStream: (s: Stream) => void }) {
  const active = isActiveTrial(trial);
  const logs = useFollowedLog(
    (offset, signal) => getTrialLogs(experimentId, trial.name, stream, offset, signal),
    `${experimentId}|${trial.name}|${stream}`,
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
        <pre className="preview-text logs" data-testid="trial-logs" data-stream={stream} data-loaded={logs.loaded}>
          {!logs.loaded ? 'Loading…' : logs.text || (active ? `(no ${stream} yet)` : `(no ${stream})`)}
        </pre>
      )}
      {logs.truncated && <p className="warning small">Only the first 2 MiB are shown; `cairn tune logs` prints everything.</p>}
      {active && <p className="muted small">Following while the trial runs.</p>}
    </section>
  );
}

export interface TrialPanelProps {
  experimentId: string;
  trial: Trial;
  objective: string;
  best: boolean;
  stream: Stream;
  onStream: (s: Stream) => void;
  onClose: () => void;
}

export function TrialPanel({ experimentId, trial, objective, best, stream, onStream, onClose }: TrialPanelProps) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), [trial.name]);
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
    <aside className="task-panel" aria-label={`Trial ${trial.name}`} data-testid="trial-panel">
      <div className="title-row">
        <h2 className="fill">{trial.name}</h2>
        {best && <span className="badge badge-ok">best</span>}
        <span className={`badge badge-${TRIAL_STATE_CLASS[trial.state] ?? 'none'}`}>{trial.state}</span>
        <button type="button" ref={closeRef} onClick={onClose} aria-label="Close the trial panel">
          ✕
        </button>
      </div>
      {trial.reason && <p className="small muted">{trial.reason}{trial.message ? `: ${trial.message}` : ''}</p>}
      <dl className="facts">
        <div><dt>{objective}</dt><dd>{typeof trial.objective === 'number' ? formatNumber(trial.objective) : '—'}</dd></div>
        <div><dt>Started</dt><dd>{formatTime(trial.started_ms) || '—'}</dd></div>
        <div><dt>Finished</dt><dd>{formatTime(trial.finished_ms) || '—'}</dd></div>
        <div><dt>Duration</dt><dd>{formatDuration(trialDuration(trial)) || '—'}</dd></div>
        {trial.exit_code !== undefined && trial.exit_code >= 0 && <div><dt>Exit code</dt><dd>{trial.exit_code}</dd></div>}
        <div>
          <dt>Tracking run</dt>
          <dd>{trial.mlflow_run_id ? <a href={href.runById(trial.mlflow_run_id)}>open the trial's run</a> : <span className="muted">none</span>}</dd>
        </div>
      </dl>
      <h3>Parameters</h3>
      {(trial.assignment ?? []).length === 0 ? (
        <p className="muted small">None.</p>
      ) : (
        <table className="kv" aria-label="Trial parameters">
          <tbody>
            {(trial.assignment ?? []).map((a) => (
              <tr key={a.name}>
                <th scope="row">{a.name}</th>
                <td className="mono">{a.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(trial.observation ?? []).length > 0 && (
        <>
          <h3>Metrics</h3>
          <table className="kv" aria-label="Trial metrics">
            <tbody>
              {(trial.observation ?? []).map((o) => (
                <tr key={o.name}>
                  <th scope="row">{o.name}</th>
                  <td className="small">
                    latest {formatNumber(o.latest)} · min {formatNumber(o.min)} · max {formatNumber(o.max)} · {o.reports ?? 0} reports
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {trial.command && trial.command.length > 0 && (
        <details>
          <summary>Command</summary>
          <pre className="preview-text">{trial.command.join(' ')}</pre>
        </details>
      )}
      <TrialLogs key={trial.name} experimentId={experimentId} trial={trial} stream={stream} onStream={onStream} />
    </aside>
  );
}
