// One user's own limits (docs/auth.md, "Limits"). Saving replaces all three:
// a field left empty goes back to the server's default. Ranges are the
// server's to check; its message is shown.
import { useState, type FormEvent } from 'react';
import { updateLimits, type ManagedUser, type UserLimits } from '../api/account';
import { FormError } from '../components/FormMessage';
import { LabelledInput } from '../components/LabelledInput';
import { useAction } from '../lib/useAction';

type Key = keyof UserLimits;

export const LIMIT_FIELDS: { key: Key; label: string; hint: string }[] = [
  { key: 'requests_per_second', label: 'Requests per second', hint: '0 = unlimited' },
  { key: 'max_request_bytes', label: 'Max request bytes', hint: 'JSON bodies, up to 1 GiB' },
  { key: 'max_upload_bytes', label: 'Max upload bytes', hint: 'artifact uploads' },
];

export function formatLimit(limits: UserLimits, key: Key): string {
  const v = limits[key];
  return v === undefined ? 'server default' : String(v);
}

// Empty text is "not set"; anything else must be a number.
export function parseLimits(text: Record<Key, string>): UserLimits | string {
  const out: UserLimits = {};
  for (const { key, label } of LIMIT_FIELDS) {
    const raw = text[key].trim();
    if (!raw) continue;
    const v = Number(raw);
    if (!Number.isFinite(v)) return `${label}: "${raw}" is not a number.`;
    out[key] = v;
  }
  return out;
}

export function LimitsEditor({ user, onSaved, onCancel }: { user: ManagedUser; onSaved: (u: ManagedUser) => void; onCancel: () => void }) {
  const [text, setText] = useState<Record<Key, string>>(() => ({
    requests_per_second: user.limits.requests_per_second?.toString() ?? '',
    max_request_bytes: user.limits.max_request_bytes?.toString() ?? '',
    max_upload_bytes: user.limits.max_upload_bytes?.toString() ?? '',
  }));
  const { busy, error, setError, run } = useAction();

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const limits = parseLimits(text);
    if (typeof limits === 'string') {
      setError(limits);
      return;
    }
    await run(async () => onSaved(await updateLimits(user.username, limits)));
  }

  return (
    <form className="inline-form" onSubmit={submit} aria-label={`Limits of ${user.username}`}>
      {LIMIT_FIELDS.map(({ key, label, hint }) => (
        <LabelledInput
          key={key}
          label={label}
          labelClass="small"
          name={key}
          inputMode="decimal"
          placeholder="server default"
          title={hint}
          aria-label={`${label} for ${user.username}`}
          value={text[key]}
          onValue={(v) => setText((t) => ({ ...t, [key]: v }))}
          disabled={busy}
        />
      ))}
      <button type="submit" className="primary" disabled={busy}>
        Save limits
      </button>
      <button type="button" onClick={onCancel} disabled={busy}>
        Cancel
      </button>
      <FormError error={error} />
    </form>
  );
}
