// A token just created. The server stores only its hash, so this is the one
// time it can be seen: it lives in this component's state until the user
// dismisses it (or leaves the page), never in storage or the URL.
import { useState } from 'react';
import type { CreatedToken } from '../api/account';

// The tracking URI scripts need: this server's URL without the page's hash
// (the UI may be mounted under a path prefix, which the API shares).
export function trackingUri(location: Pick<Location, 'origin' | 'pathname'> = window.location): string {
  return `${location.origin}${location.pathname}`.replace(/\/+$/, '');
}

export function NewToken({ created, onDone }: { created: CreatedToken; onDone: () => void }) {
  const [copied, setCopied] = useState<'' | 'ok' | 'failed'>('');
  const snippet = `export MLFLOW_TRACKING_URI=${trackingUri()}\nexport MLFLOW_TRACKING_TOKEN=${created.token}`;

  async function copy() {
    try {
      // Only in a secure context (https, or localhost): elsewhere the user
      // selects the text, which the field does on focus.
      await navigator.clipboard.writeText(created.token);
      setCopied('ok');
    } catch {
      setCopied('failed');
    }
  }

  return (
    <section className="new-token" aria-labelledby="new-token-title" data-testid="new-token">
      <h3 id="new-token-title">New token “{created.token_info.name || created.token_info.token_id}”</h3>
      <p className="warning small">
        Copy it now: it is shown only this once. cairn keeps only a hash and cannot show it again.
      </p>
      <div className="inline-form">
        <input
          className="grow-input mono"
          aria-label="New access token"
          readOnly
          value={created.token}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="primary" onClick={copy}>
          Copy token
        </button>
        <span className="small" aria-live="polite">
          {copied === 'ok' ? 'Copied.' : copied === 'failed' ? 'Copying is blocked here: select the text and copy it.' : ''}
        </span>
      </div>
      <p className="small muted">Use it from a shell (MLflow clients and the cairn CLI read these):</p>
      <pre className="preview-text" aria-label="Usage">{snippet}</pre>
      <button type="button" onClick={onDone}>
        Done, hide the token
      </button>
    </section>
  );
}
