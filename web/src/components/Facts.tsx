// Facts that pipeline runs, tasks, tuning experiments and trials all have,
// as items of a <dl className="facts">: when it ran, its tracking run, the
// command it ran.
import { formatDuration, formatTime } from '../lib/format';
import { href } from '../lib/urlState';

export function TimeFacts({ started, finished, duration }: { started?: number; finished?: number; duration: number | null | undefined }) {
  return (
    <>
      <div><dt>Started</dt><dd>{formatTime(started) || '—'}</dd></div>
      <div><dt>Finished</dt><dd>{formatTime(finished) || '—'}</dd></div>
      <div><dt>Duration</dt><dd>{formatDuration(duration) || '—'}</dd></div>
    </>
  );
}

// A negative or missing exit code means the process has not ended.
export function ExitCodeFact({ code }: { code?: number }) {
  if (code === undefined || code < 0) return null;
  return <div><dt>Exit code</dt><dd>{code}</dd></div>;
}

export function TrackingRunFact({ runId, link }: { runId?: string; link: string }) {
  return (
    <div>
      <dt>Tracking run</dt>
      <dd>{runId ? <a href={href.runById(runId)}>{link}</a> : <span className="muted">none</span>}</dd>
    </div>
  );
}

export function CommandDetails({ command }: { command?: string[] }) {
  if (!command || command.length === 0) return null;
  return (
    <details>
      <summary>Command</summary>
      <pre className="preview-text">{command.join(' ')}</pre>
    </details>
  );
}
