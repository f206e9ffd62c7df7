// The side panel of a tuning experiment page: one trial's facts, its
// assignment and observation, its logs (followed while it runs) and its
// tracking run. Escape closes it, as the pipeline task panel.
import { getTrialLogs, type Trial } from '../api/tuning';
import { formatNumber } from '../lib/format';
import { TRIAL_STATE_CLASS, isActiveTrial, trialDuration } from '../lib/tuning';
import { CommandDetails, ExitCodeFact, TimeFacts, TrackingRunFact } from './Facts';
import { LogsSection, type LogStream } from './LogsSection';
import { SidePanel } from './SidePanel';

export interface TrialPanelProps {
  experimentId: string;
  trial: Trial;
  objective: string;
  best: boolean;
  stream: LogStream;
  onStream: (s: LogStream) => void;
  onClose: () => void;
}

export function TrialPanel({ experimentId, trial, objective, best, stream, onStream, onClose }: TrialPanelProps) {
  return (
    <SidePanel
      label={`Trial ${trial.name}`}
      testId="trial-panel"
      title={trial.name}
      badges={
        <>
          {best && <span className="badge badge-ok">best</span>}
          <span className={`badge badge-${TRIAL_STATE_CLASS[trial.state] ?? 'none'}`}>{trial.state}</span>
        </>
      }
      closeLabel="Close the trial panel"
      itemKey={trial.name}
      onClose={onClose}
    >
      {trial.reason && <p className="small muted">{trial.reason}{trial.message ? `: ${trial.message}` : ''}</p>}
      <dl className="facts">
        <div><dt>{objective}</dt><dd>{typeof trial.objective === 'number' ? formatNumber(trial.objective) : '—'}</dd></div>
        <TimeFacts started={trial.started_ms} finished={trial.finished_ms} duration={trialDuration(trial)} />
        <ExitCodeFact code={trial.exit_code} />
        <TrackingRunFact runId={trial.mlflow_run_id} link="open the trial's run" />
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
      <CommandDetails command={trial.command} />
      <LogsSection
        key={trial.name}
        read={(offset, signal) => getTrialLogs(experimentId, trial.name, stream, offset, signal)}
        streamKey={`${experimentId}|${trial.name}|${stream}`}
        active={isActiveTrial(trial)}
        stream={stream}
        onStream={onStream}
        testId="trial-logs"
        what="trial"
        cli="cairn tune logs"
      />
    </SidePanel>
  );
}
