// A process's logs in a side panel: stdout/stderr switch, the text read from
// the start and followed while the process is active (lib/useFollowedLog).
// The pipeline task and tuning trial panels differ only in where a chunk is
// read from and in their words.
import { useFollowedLog, type LogChunkLike } from '../lib/useFollowedLog';
import { ErrorState } from './common';
import { Segmented } from './Segmented';

export type LogStream = 'stdout' | 'stderr';

export interface LogsSectionProps {
  read: (offset: number, signal: AbortSignal) => Promise<LogChunkLike>;
  streamKey: string; // names the stream read (a new key starts over)
  active: boolean; // follow while it holds
  stream: LogStream;
  onStream: (s: LogStream) => void;
  testId: string; // of the <pre>
  what: string; // "task", "trial": in "Following while the … runs."
  cli: string; // the command that prints all of it
}

export function LogsSection({ read, streamKey, active, stream, onStream, testId, what, cli }: LogsSectionProps) {
  const logs = useFollowedLog(read, streamKey, active);
  return (
    <section aria-label="Logs">
      <div className="toolbar">
        <h3 className="fill">Logs</h3>
        <Segmented label="Log stream" options={['stdout', 'stderr'] as const} value={stream} onChange={onStream} />
      </div>
      {logs.error ? (
        <ErrorState error={logs.error} title="Could not read the logs" />
      ) : (
        <pre className="preview-text logs" data-testid={testId} data-stream={stream} data-loaded={logs.loaded}>
          {!logs.loaded ? 'Loading…' : logs.text || (active ? `(no ${stream} yet)` : `(no ${stream})`)}
        </pre>
      )}
      {logs.truncated && <p className="warning small">Only the first 2 MiB are shown; `{cli}` prints everything.</p>}
      {active && <p className="muted small">Following while the {what} runs.</p>}
    </section>
  );
}
