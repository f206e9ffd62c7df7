// Stops something that runs (a pipeline run, a tuning experiment) from its
// page's header: the first click only asks, the question's button stops it,
// "Keep running" takes the question back. Once stopping, it says so instead.
// Unlike ConfirmButton, the stop is not final for the page: it keeps polling.
import { useState } from 'react';
import { useAction } from '../lib/useAction';

export interface StopButtonProps {
  label: string; // "Cancel run"
  question: string; // "Kill its running tasks?"
  confirmLabel: string; // "Yes, cancel the run"
  stoppingText: string; // shown once the server is stopping it
  stopping: boolean;
  stop: () => Promise<unknown>;
  onDone: () => void;
}

export function StopButton({ label, question, confirmLabel, stoppingText, stopping, stop, onDone }: StopButtonProps) {
  const [confirm, setConfirm] = useState(false);
  const { busy, error, run } = useAction();
  if (stopping) return <span className="muted small">{stoppingText}</span>;
  return (
    <span className="inline-form" style={{ marginTop: 0 }}>
      {!confirm ? (
        <button type="button" onClick={() => setConfirm(true)}>
          {label}
        </button>
      ) : (
        <>
          <span className="small">{question}</span>
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() =>
              run(async () => {
                await stop();
                setConfirm(false);
                onDone();
              })
            }
          >
            {confirmLabel}
          </button>
          <button type="button" onClick={() => setConfirm(false)}>
            Keep running
          </button>
        </>
      )}
      {error && <span className="warning small">{error}</span>}
    </span>
  );
}
