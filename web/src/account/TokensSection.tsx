// The signed-in user's personal access tokens (MLFLOW_TRACKING_TOKEN for
// scripts): list, create (shown once), revoke.
import { useState, type FormEvent } from 'react';
import {
  createToken,
  listTokens,
  listWorkspaces,
  revokeToken,
  tokenState,
  type AccessToken,
  type CreatedToken,
} from '../api/account';
import { AsyncView } from '../components/AsyncView';
import { ConfirmButton } from '../components/ConfirmButton';
import { EmptyState } from '../components/common';
import { FormError } from '../components/FormMessage';
import { LabelledInput } from '../components/LabelledInput';
import { ListTable } from '../components/ListTable';
import { formatTime } from '../lib/format';
import { useAsync } from '../lib/hooks';
import { useAction } from '../lib/useAction';
import { NewToken } from './NewToken';

const DAY_S = 24 * 60 * 60;
// The server's longest is a year; shorter is safer for a script's token.
export const EXPIRY_DAYS = [7, 30, 90, 365];
const DEFAULT_EXPIRY_DAYS = 90;

const STATE_BADGE = { active: 'badge-ok', expired: 'badge-warn', revoked: 'badge-bad' } as const;

function TokenRow({ token, now, onRevoked }: { token: AccessToken; now: number; onRevoked: () => void }) {
  const state = tokenState(token, now);
  const label = token.name || token.token_id;
  return (
    <tr data-token-id={token.token_id} className={state === 'active' ? undefined : 'muted'}>
      <td>
        {token.name || <span className="muted">(no name)</span>}
        <div className="mono small muted">{token.token_id}</div>
      </td>
      <td className="nowrap">{formatTime(token.created_time)}</td>
      <td className="nowrap">{token.expires_time ? formatTime(token.expires_time) : 'never'}</td>
      <td className="nowrap">{token.last_used_time ? formatTime(token.last_used_time) : <span className="muted">never</span>}</td>
      <td>{token.workspace ?? <span className="muted">all</span>}</td>
      <td className="nowrap">
        <span className={`badge ${STATE_BADGE[state]}`}>{state}</span>
        {state === 'revoked' && <div className="small muted">{formatTime(token.revoked_time)}</div>}
      </td>
      <td className="nowrap">
        {state === 'active' && (
          <ConfirmButton
            label="Revoke"
            ariaLabel={`Revoke ${label}`}
            question="Revoke it? Scripts using it stop working at once."
            confirmLabel={`Yes, revoke ${label}`}
            action={async () => {
              await revokeToken(token.token_id);
              onRevoked();
            }}
          />
        )}
      </td>
    </tr>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (created: CreatedToken) => void }) {
  const [name, setName] = useState('');
  const [days, setDays] = useState(DEFAULT_EXPIRY_DAYS);
  const [workspace, setWorkspace] = useState('');
  const { busy, error, setError, run } = useAction();
  // Only the workspaces the user belongs to (all, for an admin); without any
  // the choice is not offered.
  const workspaces = useAsync((signal) => listWorkspaces(signal), []);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!name.trim()) {
      setError('Give the token a name, so you know later which script holds it.');
      return;
    }
    await run(async () => {
      onCreated(await createToken({ name: name.trim(), expiresInSeconds: days * DAY_S, workspace: workspace || undefined }));
      setName('');
    });
  }

  return (
    <form className="inline-form" onSubmit={submit} aria-label="Create an access token">
      <LabelledInput label="Token name" name="token-name" value={name} maxLength={200} onValue={setName} disabled={busy} />
      <label>
        Expires in{' '}
        <select name="token-expiry" value={days} onChange={(e) => setDays(Number(e.target.value))} disabled={busy}>
          {EXPIRY_DAYS.map((d) => (
            <option key={d} value={d}>
              {d} days
            </option>
          ))}
        </select>
      </label>
      {(workspaces.data?.length ?? 0) > 0 && (
        <label>
          Workspace{' '}
          <select name="token-workspace" value={workspace} onChange={(e) => setWorkspace(e.target.value)} disabled={busy}>
            <option value="">none (everything you can reach)</option>
            {workspaces.data!.map((w) => (
              <option key={w.name} value={w.name}>
                {w.name} only
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create token'}
      </button>
      <FormError error={error} />
    </form>
  );
}

export function TokensSection() {
  const tokens = useAsync((signal) => listTokens(signal), []);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const now = Date.now();
  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">Access tokens</h2>
      <p className="muted small">
        For scripts and MLflow clients (<code>MLFLOW_TRACKING_TOKEN</code>) instead of your password. A token can do
        what you can (inside its workspace, if it has one), except create more tokens.
      </p>
      <CreateTokenForm
        onCreated={(c) => {
          setCreated(c);
          tokens.reload();
        }}
      />
      {created && <NewToken created={created} onDone={() => setCreated(null)} />}
      <AsyncView
        state={tokens}
        errorTitle="Could not load your tokens"
        loading="Loading tokens"
        isEmpty={(list) => list.length === 0}
        empty={<EmptyState title="No access tokens yet" />}
      >
        {(list) => (
          <ListTable label="Access tokens" columns={['Name', 'Created', 'Expires', 'Last used', 'Workspace', 'State']} actions>
            {[...list].sort((a, b) => b.created_time - a.created_time).map((t) => (
              <TokenRow key={t.token_id} token={t} now={now} onRevoked={tokens.reload} />
            ))}
          </ListTable>
        )}
      </AsyncView>
    </section>
  );
}
