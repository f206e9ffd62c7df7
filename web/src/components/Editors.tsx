// Small editors for registry tags, aliases and descriptions. Each change is
// one API call; errors are shown next to the form and the caller reloads.
import { useState, type FormEvent } from 'react';
import type { KeyValue } from '../api/types';
import { ErrorState } from './common';

function useAction(after: () => void) {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      after();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

export function TagEditor({
  tags,
  onSet,
  onDelete,
  onChanged,
  label,
}: {
  tags: KeyValue[];
  onSet: (key: string, value: string) => Promise<unknown>;
  onDelete: (key: string) => Promise<unknown>;
  onChanged: () => void;
  label: string;
}) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const action = useAction(onChanged);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!key.trim()) return;
    void action.run(async () => {
      await onSet(key.trim(), value);
      setKey('');
      setValue('');
    });
  };
  return (
    <div className="editor" aria-label={label}>
      {tags.length === 0 ? (
        <p className="muted">No tags.</p>
      ) : (
        <table className="kv">
          <tbody>
            {tags.map((t) => (
              <tr key={t.key}>
                <th scope="row">{t.key}</th>
                <td>{t.value}</td>
                <td className="actions">
                  <button type="button" className="link" disabled={action.busy} onClick={() => action.run(() => onDelete(t.key))} aria-label={`Delete tag ${t.key}`}>
                    remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="inline-form" onSubmit={submit}>
        <input placeholder="key" aria-label={`${label}: new key`} value={key} onChange={(e) => setKey(e.target.value)} />
        <input placeholder="value" aria-label={`${label}: new value`} value={value} onChange={(e) => setValue(e.target.value)} />
        <button type="submit" disabled={action.busy || !key.trim()}>
          Set tag
        </button>
      </form>
      {action.error && <ErrorState error={action.error} title="The change was rejected" />}
    </div>
  );
}

export function AliasEditor({
  aliases,
  versions,
  fixedVersion,
  onSet,
  onDelete,
  onChanged,
}: {
  aliases: { alias: string; version: string }[];
  versions: string[];
  fixedVersion?: string; // on a version page: aliases are set on this version
  onSet: (alias: string, version: string) => Promise<unknown>;
  onDelete: (alias: string) => Promise<unknown>;
  onChanged: () => void;
}) {
  const [alias, setAlias] = useState('');
  const [version, setVersion] = useState(fixedVersion ?? versions[0] ?? '');
  const action = useAction(onChanged);
  // Versions may arrive after the first render: default to the newest.
  const target = fixedVersion ?? (version || versions[0] || '');
  return (
    <div className="editor" data-testid="alias-editor">
      {aliases.length === 0 ? (
        <p className="muted">No aliases.</p>
      ) : (
        <ul className="chips" aria-label="Aliases">
          {aliases.map((a) => (
            <li key={a.alias} className="chip">
              <span className="alias">@{a.alias}</span>
              {!fixedVersion && <span className="muted"> → v{a.version}</span>}
              <button type="button" className="chip-x" disabled={action.busy} onClick={() => action.run(() => onDelete(a.alias))} aria-label={`Delete alias ${a.alias}`}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!alias.trim() || !target) return;
          void action.run(async () => {
            await onSet(alias.trim(), target);
            setAlias('');
          });
        }}
      >
        <input placeholder="alias, e.g. champion" aria-label="New alias" value={alias} onChange={(e) => setAlias(e.target.value)} />
        {!fixedVersion && (
          <select aria-label="Version for the alias" value={target} onChange={(e) => setVersion(e.target.value)}>
            {versions.map((v) => (
              <option key={v} value={v}>
                version {v}
              </option>
            ))}
          </select>
        )}
        <button type="submit" disabled={action.busy || !alias.trim() || !target}>
          Set alias
        </button>
      </form>
      {action.error && <ErrorState error={action.error} title="The alias was rejected" />}
    </div>
  );
}

export function DescriptionEditor({ text, onSave, onChanged }: { text: string; onSave: (t: string) => Promise<unknown>; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(text);
  const action = useAction(() => {
    setEditing(false);
    onChanged();
  });
  if (!editing) {
    return (
      <div className="description">
        {text ? <p>{text}</p> : <p className="muted">No description.</p>}
        <button type="button" className="link" onClick={() => { setDraft(text); setEditing(true); }}>
          Edit description
        </button>
      </div>
    );
  }
  return (
    <form className="description" onSubmit={(e) => { e.preventDefault(); void action.run(() => onSave(draft)); }}>
      <textarea aria-label="Description" rows={4} value={draft} onChange={(e) => setDraft(e.target.value)} autoFocus />
      <div>
        <button type="submit" disabled={action.busy}>Save</button>{' '}
        <button type="button" onClick={() => setEditing(false)}>Cancel</button>
      </div>
      {action.error && <ErrorState error={action.error} title="Could not save" />}
    </form>
  );
}
