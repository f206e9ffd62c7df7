// A button for something that cannot be undone (revoke a token, delete a
// user): the first click only asks, inline, so a slip of the mouse does
// nothing; the question's own button does it. The server's error is shown
// next to it.
import { useState } from 'react';
import { useAction } from '../lib/useAction';
import { FormError } from './FormMessage';

export function ConfirmButton({
  label,
  question,
  confirmLabel,
  action,
  ariaLabel,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  action: () => Promise<void>;
  // Names the button for a screen reader when the label alone is ambiguous
  // in a table ("Revoke" on every row).
  ariaLabel?: string;
}) {
  const [asking, setAsking] = useState(false);
  const { busy, error, setError, run } = useAction();
  if (!asking) {
    return (
      <button type="button" aria-label={ariaLabel} onClick={() => { setAsking(true); setError(null); }}>
        {label}
      </button>
    );
  }
  return (
    <span className="inline-form confirm" role="group" aria-label={question}>
      <span className="small">{question}</span>
      <button
        type="button"
        className="danger"
        disabled={busy}
        onClick={() =>
          run(async () => {
            await action();
            setAsking(false);
          })
        }
      >
        {confirmLabel}
      </button>
      <button type="button" disabled={busy} onClick={() => setAsking(false)}>
        Cancel
      </button>
      <FormError error={error} />
    </span>
  );
}
