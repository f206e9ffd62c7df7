// "Label [input]": a text or password field named by its visible label, as
// the account forms have them; the other input attributes pass through.
import type { InputHTMLAttributes } from 'react';

export interface LabelledInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange'> {
  label: string;
  labelClass?: string;
  onValue: (value: string) => void;
}

export function LabelledInput({ label, labelClass, onValue, ...input }: LabelledInputProps) {
  return (
    <label className={labelClass}>
      {label}{' '}
      <input {...input} onChange={(e) => onValue(e.target.value)} />
    </label>
  );
}

// A new password: never filled from the browser's saved current password.
export function PasswordField(props: Omit<LabelledInputProps, 'type'>) {
  return <LabelledInput type="password" autoComplete="new-password" {...props} />;
}
