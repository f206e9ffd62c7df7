// Change the signed-in user's password. The length rule (8..1024 bytes) is
// the server's: its 400 message is shown as it is, so the two cannot drift.
// Both fields are cleared after every attempt.
import { useState, type FormEvent } from 'react';
import { updatePassword } from '../api/account';
import { FormMessage, type FormResult } from '../components/FormMessage';
import { PasswordField } from '../components/LabelledInput';

export function PasswordSection({ username }: { username: string }) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<FormResult | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!password) {
      setResult({ ok: false, text: 'Enter the new password.' });
      return;
    }
    if (password !== again) {
      setResult({ ok: false, text: 'The two passwords differ.' });
      setAgain('');
      return;
    }
    setBusy(true);
    setResult(null);
    try {
      await updatePassword(username, password);
      setResult({ ok: true, text: 'Password changed. Scripts that send the old one (MLFLOW_TRACKING_PASSWORD) need the new one.' });
    } catch (err) {
      setResult({ ok: false, text: (err as Error).message });
    } finally {
      setPassword('');
      setAgain('');
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <form className="inline-form" method="post" onSubmit={submit} aria-label="Change your password" noValidate>
        {/* Lets password managers tie the new password to this account. */}
        <input type="hidden" name="username" autoComplete="username" value={username} readOnly />
        <PasswordField label="New password" name="new-password" value={password} onValue={setPassword} disabled={busy} />
        <PasswordField label="Repeat it" name="new-password-again" value={again} onValue={setAgain} disabled={busy} />
        <button type="submit" disabled={busy}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
      <p className="muted small">8 to 1024 bytes.</p>
      <FormMessage result={result} block />
    </section>
  );
}
