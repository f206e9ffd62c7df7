// User management for admins: create, make or unmake admin, per-user
// limits, delete. The server enforces all of it (403 for a non-admin); the
// page only hides the section from non-admins. The built-in task user is not
// listed (api/account.ts).
import { useState, type FormEvent } from 'react';
import { createUser, deleteUser, listUsers, setAdmin, type ManagedUser } from '../api/account';
import { AsyncView } from '../components/AsyncView';
import { ConfirmButton } from '../components/ConfirmButton';
import { FormError, FormMessage, type FormResult } from '../components/FormMessage';
import { LabelledInput, PasswordField } from '../components/LabelledInput';
import { ListTable } from '../components/ListTable';
import { useAsync } from '../lib/hooks';
import { useAction } from '../lib/useAction';
import { LIMIT_FIELDS, LimitsEditor, formatLimit } from './LimitsEditor';

function CreateUserForm({ onCreated }: { onCreated: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<FormResult | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!username.trim() || !password) {
      setResult({ ok: false, text: 'Enter a username and an initial password.' });
      return;
    }
    setBusy(true);
    setResult(null);
    try {
      await createUser(username.trim(), password);
      setResult({ ok: true, text: `Created ${username.trim()}.` });
      setUsername('');
      onCreated();
    } catch (err) {
      setResult({ ok: false, text: (err as Error).message });
    } finally {
      setPassword('');
      setBusy(false);
    }
  }

  return (
    <form className="inline-form" method="post" onSubmit={submit} aria-label="Create a user" noValidate>
      <LabelledInput label="New username" name="new-username" autoComplete="off" value={username} onValue={setUsername} disabled={busy} />
      <PasswordField label="Initial password" name="new-user-password" value={password} onValue={setPassword} disabled={busy} />
      <button type="submit" disabled={busy}>
        {busy ? 'Creating…' : 'Create user'}
      </button>
      <FormMessage result={result} />
    </form>
  );
}

function AdminToggle({ user, onChanged }: { user: ManagedUser; onChanged: () => void }) {
  const { busy, error, run } = useAction();
  return (
    <>
      <button
        type="button"
        disabled={busy}
        aria-label={`${user.is_admin ? 'Remove admin from' : 'Make admin'} ${user.username}`}
        onClick={() =>
          run(async () => {
            await setAdmin(user.username, !user.is_admin);
            onChanged();
          })
        }
      >
        {user.is_admin ? 'Remove admin' : 'Make admin'}
      </button>
      <FormError error={error} />
    </>
  );
}

function UserRow({ user, me, onChanged }: { user: ManagedUser; me: string; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const self = user.username === me;
  return (
    <tr data-username={user.username}>
      <td>
        {user.username}
        {self && <span className="muted small"> (you)</span>}
      </td>
      <td>{user.is_admin ? <span className="badge badge-run">admin</span> : <span className="muted">user</span>}</td>
      <td>
        {editing ? (
          <LimitsEditor
            user={user}
            onSaved={() => {
              setEditing(false);
              onChanged();
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <>
            <dl className="limits small">
              {LIMIT_FIELDS.map(({ key, label }) => (
                <div key={key} data-limit={key}>
                  <dt>{label}</dt>
                  <dd className={user.limits[key] === undefined ? 'muted' : undefined}>{formatLimit(user.limits, key)}</dd>
                </div>
              ))}
            </dl>
            <button type="button" className="link" aria-label={`Edit limits of ${user.username}`} onClick={() => setEditing(true)}>
              Edit limits
            </button>
          </>
        )}
      </td>
      <td className="nowrap">
        {/* The server refuses both for oneself (no admin can lock themselves out). */}
        {!self && <AdminToggle user={user} onChanged={onChanged} />}{' '}
        {!self && (
          <ConfirmButton
            label="Delete"
            ariaLabel={`Delete ${user.username}`}
            question={`Delete ${user.username}, their tokens and sessions?`}
            confirmLabel={`Yes, delete ${user.username}`}
            action={async () => {
              await deleteUser(user.username);
              onChanged();
            }}
          />
        )}
      </td>
    </tr>
  );
}

export function UsersSection({ me }: { me: string }) {
  const users = useAsync((signal) => listUsers(signal), []);
  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <p className="muted small">
        Only admins see this. Limits left empty are the server&apos;s defaults (<code>--auth-rate-limit</code>,{' '}
        <code>--max-body-bytes</code>, <code>--auth-max-upload-bytes</code>).
      </p>
      <CreateUserForm onCreated={users.reload} />
      <AsyncView state={users} errorTitle="Could not load the users" loading="Loading users">
        {(list) => (
          <ListTable label="Users" columns={['User', 'Role', 'Limits']} actions>
            {list.map((u) => (
              <UserRow key={u.username} user={u} me={me} onChanged={users.reload} />
            ))}
          </ListTable>
        )}
      </AsyncView>
    </section>
  );
}
